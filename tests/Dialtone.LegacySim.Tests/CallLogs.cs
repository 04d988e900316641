namespace Dialtone.LegacySim.Tests;

/// <summary>LegacySim logs each call with its operation, record, version, origin and trace id, and never a person's data.</summary>
[Collection(LegacySimCollection.Name)]
public sealed class CallLogs(LegacySimFixture fixture)
{
    [Fact]
    public async Task ACallIsLoggedWithItsTraceIdAndWithoutPersonalData()
    {
        using var legacy = new LegacyClient(fixture.Legacy.BaseUrl) { User = "u-logs" };
        var customer = await legacy.CustomerAsync("C00000501");
        var traceId = Guid.NewGuid().ToString("N");
        const string email = "logged.never@example.org";

        var answer = await legacy.CallAsync("UpdateContact", $"00-{traceId}-b7ad6b7169203331-01", ("CustomerId", "C00000501"), ("ExpectedVersion", customer.Version()), ("Email", email));

        answer.EnsureNoFault();
        var line = await LogLineAsync(traceId);
        Assert.Contains("UpdateContact record C00000501 version " + answer.Text("NewVersion"), line, StringComparison.Ordinal);
        Assert.Contains("origin DIALTONE/u-logs", line, StringComparison.Ordinal);
        var personal = new[] { email, customer.Field("LastName"), customer.Field("FirstName") }
            .Concat(customer.Subscriptions().Select(s => s.Field("Msisdn")))
            .Where(v => !string.IsNullOrWhiteSpace(v) && v!.Trim().Length > 3)
            .Select(v => v!.Trim());
        Assert.All(personal, value => Assert.DoesNotContain(fixture.Legacy.Output, l => l.Contains(value, StringComparison.OrdinalIgnoreCase)));
    }

    private async Task<string> LogLineAsync(string traceId)
    {
        // The console logger writes from its own queue: the line follows the answer closely, not at once.
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (fixture.Legacy.Output.FirstOrDefault(l => l.Contains(traceId, StringComparison.Ordinal)) is { } line)
            {
                return line;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("The call was not logged with its trace id.");
    }
}
