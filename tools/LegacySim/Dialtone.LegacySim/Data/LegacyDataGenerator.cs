using System.Globalization;
using System.Text;

namespace Dialtone.LegacySim.Data;

/// <summary>
/// Makes up a legacy customer base from a seed: the same seed, count and date always give the same data, byte for byte.
/// The data is dirty the way decades-old systems of record are (README, "The data"): duplicates that differ in case and
/// spacing, numbers in national and international formats, missing and invalid emails, free-text addresses and status
/// codes that no longer follow the code table. What it made dirty is counted in <see cref="Profile"/>, so tests and the
/// bulk import can check their findings against it.
/// </summary>
internal sealed class LegacyDataGenerator(int customers, int seed, DateOnly asOf)
{
    public const double DuplicateRate = 0.03;

    private static readonly string[] FirstNames =
    [
        "Anna", "Jürgen", "Lena", "Thomas", "Sophie", "Michael", "Marie", "Stefan", "Laura", "Andreas", "Julia", "Uwe",
        "Sabine", "Klaus", "Katrin", "Jörg", "Hannah", "Peter", "Lea", "Frank", "Emma", "Ralf", "Mia", "Sven", "Ayşe",
        "Mehmet", "Zoë", "Björn", "Anna Lena", "Karl-Heinz", "Özlem", "Dirk", "Ingrid", "Günther", "Elif", "Nils",
        "Hans Peter", "Chiara", "Luca", "Małgorzata",
    ];

    private static readonly string[] LastNames =
    [
        "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Schäfer",
        "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger",
        "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Krause", "Meier", "Lehmann", "Yılmaz", "Kaya", "Nowak",
        "von der Heide", "Groß", "O'Neill", "Dąbrowski", "Rossi", "Weiß", "Köhler",
    ];

    private static readonly string[] Streets =
    [
        "Hauptstraße", "Schulstraße", "Gartenstraße", "Bahnhofstraße", "Dorfstraße", "Bergstraße", "Birkenweg",
        "Lindenstraße", "Kirchstraße", "Waldstraße", "Ringstraße", "Am Markt", "Mühlenweg", "Goethestraße",
        "Schillerstraße", "Friedrich-Ebert-Straße", "Rosenweg", "An der Alster", "Königsallee", "Poststraße",
    ];

    private static readonly (string City, int Postcode)[] Cities =
    [
        ("Berlin", 10115), ("Hamburg", 20095), ("München", 80331), ("Köln", 50667), ("Frankfurt am Main", 60311),
        ("Stuttgart", 70173), ("Düsseldorf", 40213), ("Leipzig", 4109), ("Dortmund", 44135), ("Essen", 45127),
        ("Bremen", 28195), ("Dresden", 1067), ("Hannover", 30159), ("Nürnberg", 90402), ("Bonn", 53111),
        ("Münster", 48143), ("Freiburg im Breisgau", 79098), ("Kiel", 24103),
    ];

    private static readonly string[] EmailDomains = ["example.com", "example.net", "example.org", "mail.example", "post.example"];

    private static readonly string[] MobilePrefixes = ["151", "160", "170", "171", "176", "157"];

    private static readonly string[] LandlinePrefixes = ["30", "40", "89", "221", "69", "711", "211", "341"];

    private readonly Random random = new(seed);
    private readonly HashSet<string> people = new(StringComparer.Ordinal);
    private readonly HashSet<string> msisdns = new(StringComparer.Ordinal);
    private readonly List<GeneratedCustomer> originals = [];
    private readonly HashSet<string> duplicated = new(StringComparer.Ordinal);
    private int accountNumber;
    private int subscriptionNumber;
    private long billNumber;

    public DatasetProfile Profile { get; } = new();

    public IEnumerable<GeneratedCustomer> Generate()
    {
        Profile.Seed = seed;
        Profile.AsOf = asOf.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        for (var number = 1; number <= customers; number++)
        {
            var id = "C" + number.ToString("D8", CultureInfo.InvariantCulture);
            var original = number > 20 && random.NextDouble() < DuplicateRate ? PickUnduplicatedOriginal() : null;
            var customer = original is null ? NewCustomer(id) : DuplicateOf(id, original);
            Profile.Customers++;
            Profile.Accounts += customer.Accounts.Count;
            foreach (var account in customer.Accounts)
            {
                Profile.Subscriptions += account.Subscriptions.Count;
                Profile.Bills += account.Bills.Count;
            }

            Count(customer);
            yield return customer;
        }
    }

    private GeneratedCustomer? PickUnduplicatedOriginal()
    {
        var candidate = originals[random.Next(originals.Count)];
        return duplicated.Add(candidate.Id) ? candidate : null;
    }

    private GeneratedCustomer NewCustomer(string id)
    {
        string first, last, birthDate;
        do
        {
            first = FirstNames[random.Next(FirstNames.Length)];
            last = LastNames[random.Next(LastNames.Length)];
            birthDate = new DateOnly(1940, 1, 1).AddDays(random.Next(365 * 65)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }
        while (!people.Add(Normalise(first) + "|" + Normalise(last) + "|" + birthDate));

        if (random.NextDouble() < 0.05)
        {
            // Entered in capitals in the green-screen days.
            last = last.ToUpperInvariant();
        }

        var createdOn = asOf.AddDays(-30 - random.Next(365 * 15));
        var status = Pick(("A", 78), ("S", 5), ("T", 9), ("P", 2), ("B", 1), ("IRREGULAR", 2));
        if (status == "IRREGULAR")
        {
            status = Pick(("a", 1), ("A ", 1), ("ACT", 1));
        }

        var accounts = NewAccounts(id, status, createdOn);
        var mobile = accounts.SelectMany(a => a.Subscriptions).Select(s => s.Msisdn).FirstOrDefault();
        var customer = new GeneratedCustomer(
            id, status, first, last, birthDate, NewEmail(first, last), NewPhone(mobile), NewAddress(),
            Date(createdOn), accounts);
        originals.Add(customer);
        return customer;
    }

    /// <summary>The same person entered again years later: names, email and address differ from the first record only in case and spacing.</summary>
    private GeneratedCustomer DuplicateOf(string id, GeneratedCustomer original)
    {
        var first = original.FirstName!;
        var last = original.LastName!;
        do
        {
            first = random.Next(3) == 0 ? VaryCaseOrSpacing(original.FirstName!) : original.FirstName!;
            last = random.Next(3) != 0 ? VaryCaseOrSpacing(original.LastName!) : original.LastName!;
        }
        while (first == original.FirstName && last == original.LastName);

        var email = original.Email switch
        {
            null => null,
            _ when random.Next(4) == 0 => null,
            var e => random.Next(2) == 0 ? VaryCase(e) : "  " + e,
        };
        var address = original.Address is null ? null : VaryCaseOrSpacing(original.Address);
        var createdOn = DateOnly.ParseExact(original.CreatedOn, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddDays(200 + random.Next(2000));
        if (createdOn > asOf.AddDays(-1))
        {
            createdOn = asOf.AddDays(-1);
        }

        var accounts = NewAccounts(id, "A", createdOn);
        var mobile = accounts.SelectMany(a => a.Subscriptions).Select(s => s.Msisdn).FirstOrDefault();
        Profile.Duplicates++;
        return new GeneratedCustomer(id, "A", first, last, original.BirthDate, email, NewPhone(mobile), address, Date(createdOn), accounts);
    }

    private List<GeneratedAccount> NewAccounts(string customerId, string customerStatus, DateOnly openedOn)
    {
        var count = Pick((1, 85), (2, 13), (3, 2));
        var accounts = new List<GeneratedAccount>(count);
        var terminated = customerStatus == "T";
        for (var i = 0; i < count; i++)
        {
            var id = "A" + (++accountNumber).ToString("D8", CultureInfo.InvariantCulture);
            var status = terminated ? "CLS" : Pick(("OPN", 85), ("DUN", 5), ("CLS", 10));
            var cycleDay = Pick((1, 40), (8, 20), (15, 25), (22, 15));
            var payment = Pick(("DD", 60), ("INV", 30), ("CC", 10));
            var subscriptions = new List<GeneratedSubscription>();
            var subscriptionCount = Pick((0, 5), (1, 70), (2, 18), (3, 5), (4, 2));
            for (var s = 0; s < subscriptionCount; s++)
            {
                var activatedOn = openedOn.AddDays(random.Next(365));
                if (activatedOn > asOf.AddDays(-1))
                {
                    activatedOn = asOf.AddDays(-1);
                }

                var subscriptionStatus = terminated || status == "CLS" ? Pick(("90", 90), ("99", 10)) : Pick(("10", 80), ("20", 4), ("30", 4), ("90", 9), ("99", 3));
                var msisdn = FormatNumber(NewMobileNumber());
                if (IsNationalFormat(msisdn))
                {
                    Profile.NationalFormatMsisdns++;
                }

                subscriptions.Add(new GeneratedSubscription(
                    "S" + (++subscriptionNumber).ToString("D8", CultureInfo.InvariantCulture), msisdn,
                    LegacyCodes.PlanCodes[PickIndex(LegacyCodes.PlanWeights)], subscriptionStatus, Date(activatedOn)));
            }

            accounts.Add(new GeneratedAccount(id, status, cycleDay, payment, Date(openedOn), subscriptions, NewBills(status, cycleDay, openedOn, subscriptions)));
        }

        return accounts;
    }

    private List<GeneratedBill> NewBills(string accountStatus, int cycleDay, DateOnly openedOn, List<GeneratedSubscription> subscriptions)
    {
        var monthly = subscriptions.Where(s => s.Status is not ("90" or "99")).Sum(s => LegacyCodes.MonthlyPrice(s.PlanCode));
        if (monthly == 0)
        {
            monthly = 4.99m;
        }

        var bills = new List<GeneratedBill>();
        var billDate = new DateOnly(asOf.Year, asOf.Month, cycleDay);
        if (billDate > asOf)
        {
            billDate = billDate.AddMonths(-1);
        }

        for (var i = 0; i < 12 && billDate > openedOn; i++, billDate = billDate.AddMonths(-1))
        {
            var extras = random.Next(4) == 0 ? random.Next(1, 2500) / 100m : 0m;
            var dueDate = billDate.AddDays(14);
            var status = accountStatus == "DUN" && i < 2 ? "OVRD" : dueDate > asOf ? "OPEN" : "PAID";
            bills.Add(new GeneratedBill(++billNumber, Date(billDate), Date(billDate.AddMonths(-1)), Date(billDate.AddDays(-1)), Date(dueDate), monthly + extras, status));
        }

        return bills;
    }

    private string? NewEmail(string first, string last)
    {
        var local = Transliterate(first) + "." + Transliterate(last) + (random.Next(3) == 0 ? random.Next(1, 99).ToString(CultureInfo.InvariantCulture) : "");
        var domain = EmailDomains[random.Next(EmailDomains.Length)];
        return Pick(("valid", 80), ("mixed", 6), ("padded", 2), ("null", 4), ("blank", 4), ("invalid", 4)) switch
        {
            "null" => null,
            "blank" => random.Next(2) == 0 ? "" : " ",
            "mixed" => VaryCase(local + "@" + domain),
            "padded" => " " + local + "@" + domain + " ",
            "invalid" => Pick(("at", 1), ("double", 1), ("nodomain", 1), ("nodot", 1), ("space", 1)) switch
            {
                "at" => local + "." + domain,
                "double" => local + "@@" + domain,
                "nodomain" => local + "@",
                "nodot" => local + "@" + domain.Replace(".", "", StringComparison.Ordinal),
                _ => local.Replace(".", " ", StringComparison.Ordinal) + "@" + domain,
            },
            _ => local + "@" + domain,
        };
    }

    private string? NewPhone(string? mobile) => Pick(("mobile", 65), ("landline", 15), ("none", 20)) switch
    {
        "mobile" when mobile is not null => FormatNumber(Digits(mobile)),
        "landline" => "0" + LandlinePrefixes[random.Next(LandlinePrefixes.Length)] + Pick((" ", 2), ("/", 1), ("-", 1)) + random.Next(1_000_000, 9_999_999).ToString(CultureInfo.InvariantCulture),
        _ => null,
    };

    private string? NewAddress()
    {
        var street = Streets[random.Next(Streets.Length)];
        var number = random.Next(1, 180).ToString(CultureInfo.InvariantCulture) + (random.Next(12) == 0 ? " a" : "");
        var (city, basePostcode) = Cities[random.Next(Cities.Length)];
        var postcode = (basePostcode + random.Next(80)).ToString("D5", CultureInfo.InvariantCulture);
        return Pick(("plain", 48), ("multiline", 10), ("capitals", 10), ("abbreviated", 10), ("prefixed", 6), ("cityfirst", 4), ("pobox", 3), ("nopostcode", 4), ("null", 3), ("blank", 2)) switch
        {
            "multiline" => $"{street} {number}\n{postcode} {city}",
            "capitals" => $"{street} {number} {postcode} {city}".ToUpperInvariant(),
            "abbreviated" => $"{street.Replace("straße", "str.", StringComparison.Ordinal)}{(random.Next(2) == 0 ? "" : " ")}{number}, {postcode} {city}",
            "prefixed" => $"{street} {number}, D-{postcode} {city}",
            "cityfirst" => $"{postcode} {city}, {street} {number}",
            "pobox" => $"Postfach {random.Next(10, 99)} {random.Next(10, 99)}, {postcode} {city}",
            "nopostcode" => $"{street} {number}, {city}",
            "null" => null,
            "blank" => "",
            _ => $"{street} {number}, {postcode} {city}",
        };
    }

    private string NewMobileNumber()
    {
        string national;
        do
        {
            var prefix = MobilePrefixes[random.Next(MobilePrefixes.Length)];
            var length = prefix.StartsWith("15", StringComparison.Ordinal) ? 8 : 7;
            national = prefix + random.NextInt64((long)Math.Pow(10, length - 1), (long)Math.Pow(10, length)).ToString(CultureInfo.InvariantCulture);
        }
        while (!msisdns.Add(national));

        return national;
    }

    /// <summary>A German mobile number (national significant digits, e.g. <c>1701234567</c>) as a clerk might have typed it.</summary>
    private string FormatNumber(string national)
    {
        var prefix = national[..3];
        var rest = national[3..];
        return Pick(("e164", 35), ("spaced", 15), ("00", 10), ("00spaced", 5), ("noplus", 5), ("national", 15), ("nationalSpaced", 6), ("nationalDash", 5), ("nationalBrackets", 4)) switch
        {
            "e164" => "+49" + national,
            "spaced" => $"+49 {prefix} {rest}",
            "00" => "0049" + national,
            "00spaced" => $"0049 {prefix} {rest}",
            "noplus" => "49" + national,
            "national" => "0" + national,
            "nationalSpaced" => $"0{prefix} {rest}",
            "nationalDash" => $"0{prefix}-{rest}",
            _ => $"(0{prefix}) {rest}",
        };
    }

    private void Count(GeneratedCustomer customer)
    {
        if (string.IsNullOrWhiteSpace(customer.Email))
        {
            Profile.MissingEmails++;
        }
        else if (!LegacyCodes.LooksLikeEmail(customer.Email.Trim()))
        {
            Profile.InvalidEmails++;
        }

        if (string.IsNullOrWhiteSpace(customer.Address))
        {
            Profile.MissingAddresses++;
        }
        else if (customer.Address.Contains('\n', StringComparison.Ordinal))
        {
            Profile.MultiLineAddresses++;
        }

        if (!LegacyCodes.CustomerStatuses.Contains(customer.Status))
        {
            Profile.IrregularStatusCodes++;
        }
    }

    private string VaryCaseOrSpacing(string value) => random.Next(2) == 0 ? VaryCase(value) : VarySpacing(value);

    private string VaryCase(string value)
    {
        var varied = random.Next(3) switch
        {
            0 => value.ToUpperInvariant(),
            1 => value.ToLowerInvariant(),
            _ => string.Concat(value.Select((c, i) => i % 2 == 0 ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c))),
        };
        return varied == value ? " " + value : varied;
    }

    private string VarySpacing(string value)
    {
        var space = value.IndexOf(' ', StringComparison.Ordinal);
        return random.Next(3) switch
        {
            0 when space > 0 => value.Insert(space, " "),
            1 => value + " ",
            _ => " " + value,
        };
    }

    private T Pick<T>(params (T Value, int Weight)[] choices)
    {
        var roll = random.Next(choices.Sum(c => c.Weight));
        foreach (var (value, weight) in choices)
        {
            if (roll < weight)
            {
                return value;
            }

            roll -= weight;
        }

        throw new InvalidOperationException("Weights do not add up.");
    }

    private int PickIndex(int[] weights)
    {
        var roll = random.Next(weights.Sum());
        for (var i = 0; i < weights.Length; i++)
        {
            if (roll < weights[i])
            {
                return i;
            }

            roll -= weights[i];
        }

        throw new InvalidOperationException("Weights do not add up.");
    }

    /// <summary>Whether a number was written the national way (<c>0170…</c>, <c>(0170) …</c>) rather than with a country code.</summary>
    public static bool IsNationalFormat(string number) =>
        number.TrimStart('(') is [ '0', var second, ..] && second != '0';

    /// <summary>Case and spacing ignored: how a clerk would tell two records are the same person.</summary>
    public static string Normalise(string value) =>
        string.Join(' ', value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToLowerInvariant();

    private static string Digits(string number)
    {
        var digits = new string([.. number.Where(char.IsAsciiDigit)]);
        return digits.StartsWith("0049", StringComparison.Ordinal) ? digits[4..]
            : digits.StartsWith("49", StringComparison.Ordinal) ? digits[2..]
            : digits.TrimStart('0');
    }

    private static string Transliterate(string name)
    {
        var builder = new StringBuilder();
        foreach (var c in name.ToLowerInvariant())
        {
            builder.Append(c switch
            {
                'ä' => "ae",
                'ö' => "oe",
                'ü' => "ue",
                'ß' => "ss",
                'ş' => "s",
                'ı' => "i",
                'ë' => "e",
                'ł' => "l",
                'ą' => "a",
                'ğ' => "g",
                ' ' or '\'' => "",
                _ => c.ToString(),
            });
        }

        return builder.ToString();
    }

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>What the generator made, and how much of it is dirty in each stated way.</summary>
internal sealed class DatasetProfile
{
    public int Seed { get; set; }

    public string AsOf { get; set; } = "";

    public int Customers { get; set; }

    public int Accounts { get; set; }

    public int Subscriptions { get; set; }

    public int Bills { get; set; }

    /// <summary>Customers that repeat an earlier customer's name and birth date, differing only in case and spacing.</summary>
    public int Duplicates { get; set; }

    /// <summary>Subscription MSISDNs written the national way (leading 0, no country code).</summary>
    public int NationalFormatMsisdns { get; set; }

    /// <summary>Emails that are null, empty or blank.</summary>
    public int MissingEmails { get; set; }

    /// <summary>Emails present but not of the form local@domain.tld once trimmed.</summary>
    public int InvalidEmails { get; set; }

    public int MissingAddresses { get; set; }

    public int MultiLineAddresses { get; set; }

    /// <summary>Customer status codes outside the code table (lower case, padded, codes of an older system).</summary>
    public int IrregularStatusCodes { get; set; }
}

internal sealed record GeneratedCustomer(
    string Id, string Status, string? FirstName, string? LastName, string? BirthDate, string? Email, string? Phone, string? Address,
    string CreatedOn, IReadOnlyList<GeneratedAccount> Accounts);

internal sealed record GeneratedAccount(
    string Id, string Status, int BillCycleDay, string PaymentMethod, string OpenedOn, IReadOnlyList<GeneratedSubscription> Subscriptions,
    IReadOnlyList<GeneratedBill> Bills);

internal sealed record GeneratedSubscription(string Id, string Msisdn, string PlanCode, string Status, string ActivatedOn);

internal sealed record GeneratedBill(long Number, string BillDate, string PeriodFrom, string PeriodTo, string DueDate, decimal Amount, string Status);
