using System.Text.RegularExpressions;

namespace Dialtone.LegacySim.Tests;

/// <summary>The seeded customer base: the same seed gives the same data, and the data is dirty in every way the issue names.</summary>
public sealed partial class LegacySeeding : IAsyncLifetime
{
    private const int Customers = 1000;
    private readonly string directory = Path.Combine(Path.GetTempPath(), "dialtone-legacyseed-" + Guid.NewGuid().ToString("N"));
    private StandinProcess first = null!;
    private StandinProcess second = null!;
    private StandinProcess otherSeed = null!;

    public async Task InitializeAsync()
    {
        var starts = new[]
        {
            LegacySimFixture.StartAsync(Path.Combine(directory, "a"), Customers, seed: 7),
            LegacySimFixture.StartAsync(Path.Combine(directory, "b"), Customers, seed: 7),
            LegacySimFixture.StartAsync(Path.Combine(directory, "c"), Customers, seed: 8),
        };
        var started = await Task.WhenAll(starts);
        (first, second, otherSeed) = (started[0], started[1], started[2]);
    }

    public async Task DisposeAsync()
    {
        await first.DisposeAsync();
        await second.DisposeAsync();
        await otherSeed.DisposeAsync();
        LegacySimFixture.Delete(directory);
    }

    [Fact]
    public async Task TheSameSeedGivesTheSameDataAndAnotherSeedOtherData()
    {
        var a = await ExportAsync(first);
        var b = await ExportAsync(second);
        var c = await ExportAsync(otherSeed);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(Customers, Csv.Read(c).Select(r => r["CUSTOMER_ID"]).Distinct().Count());
    }

    [Fact]
    public async Task TheDataIsDirtyInEveryStatedWayAndTheProfileCountsIt()
    {
        var rows = Csv.Read(await ExportAsync(first));
        var customers = rows.GroupBy(r => r["CUSTOMER_ID"]).Select(g => g.First()).ToList();
        var subscriptions = rows.Where(r => r["SUBSCRIPTION_ID"] is not null).ToList();
        var profile = (await DatasetAsync(first))["dataset"]!;

        var people = new HashSet<string>();
        var duplicates = customers.Count(c => !people.Add(Normalise(c["FIRST_NAME"]!) + "|" + Normalise(c["LAST_NAME"]!) + "|" + c["BIRTH_DATE"]));
        var exactDuplicates = customers.GroupBy(c => c["FIRST_NAME"] + "|" + c["LAST_NAME"] + "|" + c["BIRTH_DATE"]).Sum(g => g.Count() - 1);
        var national = subscriptions.Count(s => National().IsMatch(s["MSISDN"]!));
        var international = subscriptions.Count(s => s["MSISDN"]!.StartsWith('+') || s["MSISDN"]!.StartsWith("00", StringComparison.Ordinal));
        var missingEmails = customers.Count(c => string.IsNullOrWhiteSpace(c["EMAIL"]));
        var invalidEmails = customers.Count(c => !string.IsNullOrWhiteSpace(c["EMAIL"]) && !Email().IsMatch(c["EMAIL"]!.Trim()));
        var multiLine = customers.Count(c => c["ADDRESS"]?.Contains('\n', StringComparison.Ordinal) == true);
        var withoutPostcode = customers.Count(c => !string.IsNullOrWhiteSpace(c["ADDRESS"]) && !Postcode().IsMatch(c["ADDRESS"]!));
        var irregularStatus = customers.Count(c => c["CUSTOMER_STATUS"] is not ("A" or "S" or "T" or "P" or "B" or "X"));

        Assert.Equal(Customers, customers.Count);
        Assert.Equal(profile["duplicates"]!.GetValue<int>(), duplicates);
        Assert.InRange(duplicates, Customers / 100, Customers * 6 / 100);
        Assert.True(exactDuplicates < duplicates, "duplicates differ in case or spacing, not only repeat");
        Assert.Equal(profile["nationalFormatMsisdns"]!.GetValue<int>(), national);
        Assert.InRange(national, subscriptions.Count / 10, subscriptions.Count / 2);
        Assert.InRange(international, subscriptions.Count / 3, subscriptions.Count);
        Assert.Equal(profile["missingEmails"]!.GetValue<int>(), missingEmails);
        Assert.Equal(profile["invalidEmails"]!.GetValue<int>(), invalidEmails);
        Assert.InRange(missingEmails, Customers / 50, Customers / 5);
        Assert.InRange(invalidEmails, Customers / 100, Customers / 10);
        Assert.Equal(profile["multiLineAddresses"]!.GetValue<int>(), multiLine);
        Assert.True(multiLine > 0 && withoutPostcode > 0, "addresses are free text: some span lines, some have no postcode");
        Assert.Equal(profile["irregularStatusCodes"]!.GetValue<int>(), irregularStatus);
        Assert.True(irregularStatus > 0);
        Assert.Equal(profile["subscriptions"]!.GetValue<int>(), subscriptions.Count);
        Assert.Contains(customers, c => c["PHONE"] is { } phone && phone.StartsWith('0'));
    }

    private static async Task<string> ExportAsync(StandinProcess legacy)
    {
        using var response = await legacy.AdminAsync(HttpMethod.Get, "/admin/export");
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    internal static async Task<JsonObject> DatasetAsync(StandinProcess legacy)
    {
        using var response = await legacy.AdminAsync(HttpMethod.Get, "/admin/dataset");
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private static string Normalise(string value) => string.Join(' ', value.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();

    [GeneratedRegex(@"^\(?0[1-9]")]
    private static partial Regex National();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex Email();

    [GeneratedRegex(@"\b\d{5}\b")]
    private static partial Regex Postcode();
}
