using System.Text.Json;
using Dialtone.Charging.Contracts;
using Dialtone.Charging.Usage.Persistence;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dialtone.Charging.Usage;

/// <summary>Billing's door to rated usage: a line's records in a period, read from the usage module's table.</summary>
internal sealed class UsageRecords(IServiceScopeFactory scopes) : IUsageRecords
{
    public async Task<IReadOnlyList<RatedUsage>> ListAsync(string productId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<UsageDbContext>();
        var documents = await UsageStore.OfLineAsync(db, productId, from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds(), cancellationToken);
        return [.. documents.Select(document => Read(document, productId)).OrderBy(usage => usage.UsageDate).ThenBy(usage => usage.Id, StringComparer.Ordinal)];
    }

    private static RatedUsage Read(TmfDocument document, string productId)
    {
        var usage = TmfRepresentation.FromStored<Representation.Usage>(document);
        var characteristics = (usage.UsageCharacteristic ?? []).Where(c => c.Name is not null && c.Value is not null)
            .GroupBy(c => c.Name!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Value!.Value, StringComparer.Ordinal);
        var unit = characteristics.TryGetValue("unit", out var named) ? named.GetString()! : "octet";
        var overage = usage.RatedProductUsage?.FirstOrDefault(r => r.UsageRatingTag == UsageDocuments.Overage);
        return new RatedUsage(
            usage.Id!, productId, usage.UsageType ?? UsageDocuments.UsageTypeOf(unit), Int(characteristics, "ratingGroup"), unit,
            Long(characteristics, UsageDocuments.MeasureOf(unit)), Long(characteristics, "includedUnits"), usage.UsageDate ?? document.LastUpdate,
            overage?.TaxExcludedRatingAmount?.Unit ?? usage.RatedProductUsage?.FirstOrDefault()?.TaxExcludedRatingAmount?.Unit ?? "",
            overage?.TaxExcludedRatingAmount?.Value ?? 0m,
            characteristics.TryGetValue("paymentMode", out var mode) && mode.GetString() == "prepaid",
            characteristics.TryGetValue("uncoveredAmount", out var uncovered) ? uncovered.GetDecimal() : 0m);
    }

    private static long Long(Dictionary<string, JsonElement> values, string name) => values.TryGetValue(name, out var value) ? value.GetInt64() : 0;

    private static int Int(Dictionary<string, JsonElement> values, string name) => values.TryGetValue(name, out var value) ? value.GetInt32() : 0;
}
