using Dialtone.Identity.Contracts;
using Dialtone.Parties.Features.SignUp;
using Dialtone.Parties.Persistence;
using Dialtone.Platform;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.PersonalData;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dialtone.Parties.Seeding;

/// <summary>
/// Demo mode only: a few hundred subscribers sign up through <see cref="SignUpCommand"/>, exactly as the web portal's
/// sign-up does (the accounts module opens their billing accounts from the same event); their emails are marked
/// confirmed because their mailboxes do not exist. Names and addresses are generated from a fixed seed, so every
/// demo database holds the same people; all share the password the README lists.
/// </summary>
internal sealed partial class DemoSubscribersSeeder(
    IServiceScopeFactory scopes, IHostApplicationLifetime lifetime, DatabaseReadiness readiness,
    IOptions<DialtoneOptions> options, ILogger<DemoSubscribersSeeder> logger) : BackgroundService
{
    public const string Password = "Dialtone-demo-2026";

    private static readonly string[] GivenNames =
    [
        "Aoife", "Ciarán", "Saoirse", "Oisín", "Niamh", "Seán", "Zoë", "Liam", "Émilie", "Mateo", "Sofía", "Lukas", "Anna", "Jakub",
        "Chiara", "Luca", "Ingrid", "Mikkel", "Fatima", "Omar", "Priya", "Arjun", "Mei", "Hiroshi", "Olusegun", "Amara", "Siobhán",
        "Dara", "Bríd", "Tomás", "Grace", "Noah", "Ava", "Jack", "Emma", "Conor", "Róisín", "Pádraig", "Marta", "Kasia",
    ];

    private static readonly string[] FamilyNames =
    [
        "Murphy", "O'Brien", "Kelly", "Byrne", "Ryan", "O'Sullivan", "Walsh", "McCarthy", "Doyle", "Gallagher", "Nowak", "Kowalski",
        "García", "Müller", "Rossi", "Dubois", "Jensen", "Silva", "Okafor", "Nakamura", "Patel", "Chen", "Ní Bhriain", "Mac Giolla",
        "Fitzgerald", "Quinn", "Brennan", "Kavanagh", "Lynch", "Power", "Healy", "Moran", "Dunne", "Nolan", "Farrell", "Brady",
    ];

    private static readonly (string City, string PostCodePrefix)[] Cities =
    [
        ("Dublin", "D0"), ("Cork", "T12 "), ("Galway", "H91 "), ("Limerick", "V94 "), ("Waterford", "X91 "), ("Kilkenny", "R95 "),
    ];

    private static readonly string[] Streets = ["Main Street", "Church Road", "Harbour View", "Abbey Lane", "Mill Road", "Castle Street", "Strand Road"];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.SeedDemoData || settings.DemoSubscribers <= 0 || !await readiness.WhenStartedAsync(lifetime, stoppingToken))
        {
            return;
        }

        // The catalog, roles and clients first: a newcomer should not wait for hundreds of sign-ups to see the catalog.
        await readiness.WhenReferenceDataLoadedAsync(stoppingToken);

        try
        {
            var created = await SeedAsync(settings.DemoSubscribers, stoppingToken);
            if (created > 0)
            {
                LogSeeded(logger, created);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Demo data is a convenience: a failure is logged and the node keeps serving; the next start tries again.
            LogFailed(logger, e);
        }
    }

    private async Task<int> SeedAsync(int count, CancellationToken cancellationToken)
    {
        await using (var check = scopes.CreateAsyncScope())
        {
            // The last demo subscriber exists: an earlier start finished the job.
            var db = check.ServiceProvider.GetRequiredService<PartiesDbContext>();
            var email = TmfResourceDescriptor.SearchText(PersonalValueKind.Email, Subscriber(count - 1).Email, ProtectedColumns.ProtectorOf(db));
            if (await db.SearchEntries.AnyAsync(e => e.Path == "contactMedium.characteristic.emailAddress" && e.Text == email, cancellationToken))
            {
                return 0;
            }
        }

        var created = 0;
        for (var i = 0; i < count; i++)
        {
            await using var scope = scopes.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<SignUpCommand>().ExecuteAsync(Subscriber(i), options.Value.PublicBaseUrl ?? "http://localhost:5080", cancellationToken, demoSubscriber: true);
            if (result is null)
            {
                continue; // signed up on an earlier start (or by another node starting at the same time)
            }

            await scope.ServiceProvider.GetRequiredService<ISubscriberAccounts>().ConfirmWithoutCodeAsync(result.UserId, cancellationToken);
            created++;
        }

        return created;
    }

    /// <summary>The demo subscriber number <paramref name="index"/>: the same person on every start.</summary>
    public static SignUpRequest Subscriber(int index)
    {
        var random = new Random(20261126 + index);
        var given = GivenNames[random.Next(GivenNames.Length)];
        var family = FamilyNames[random.Next(FamilyNames.Length)];
        var (city, postCode) = Cities[random.Next(Cities.Length)];
        var local = $"{Ascii(given)}.{Ascii(family)}{index + 1}";
        return new SignUpRequest(
            given,
            family,
            $"{local}@demo.dialtone.example",
            $"+35385{random.Next(1_000_000, 9_999_999)}",
            new SignUpAddress($"{random.Next(1, 200)} {Streets[random.Next(Streets.Length)]}", city, postCode + random.Next(10, 99).ToString("D2", System.Globalization.CultureInfo.InvariantCulture), "IE"),
            Password,
            new SignUpConsents(Marketing: random.Next(2) == 0, PersonalisedOffers: random.Next(3) == 0),
            new DateTimeOffset(1950 + random.Next(55), 1 + random.Next(12), 1 + random.Next(28), 0, 0, 0, TimeSpan.Zero));
    }

    private static string Ascii(string name) =>
        new(name.Normalize(System.Text.NormalizationForm.FormD).Where(char.IsAsciiLetter).Select(char.ToLowerInvariant).ToArray());

    [LoggerMessage(Level = LogLevel.Error, Message = "Loading the demo subscribers failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo subscribers: {Count} signed up")]
    private static partial void LogSeeded(ILogger logger, int count);
}
