using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dialtone.Charging.Usage.Representation;
using Dialtone.Inventory.Contracts;

namespace Dialtone.Charging.Usage;

/// <summary>How a rated usage record reads in TMF635: a <c>Usage</c> with status <c>rated</c>, its measures as characteristics, and its rating.</summary>
internal static class UsageDocuments
{
    public const string Rated = "rated";
    public const string Included = "included";
    public const string Overage = "overage";

    /// <summary>The usage id: a name-based UUID of the record's outbox id (session, sequence number, rating group), so a redelivery names the same record.</summary>
    public static string IdOf(string recordId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("dialtone-usage:" + recordId));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString();
    }

    public static string UsageTypeOf(string unit) => unit switch
    {
        "second" => "voice",
        "event" => "sms",
        _ => "data",
    };

    public static Representation.Usage Of(UsageRecorded record, IReadOnlyList<InventoryParty> parties)
    {
        var product = new ProductRef { Id = record.ProductId, Href = $"/tmf-api/productInventory/v4/product/{record.ProductId}", ReferredType = "Product" };
        var rated = new List<RatedProductUsage>();
        foreach (var debit in record.Debits)
        {
            rated.Add(new RatedProductUsage
            {
                RatingDate = record.UsageDate, UsageRatingTag = Included, RatingAmountType = debit.BucketId, IsBilled = false,
                BucketValueConvertedInAmount = Money(record.Currency, 0m), TaxExcludedRatingAmount = Money(record.Currency, 0m), ProductRef = product,
            });
        }

        if (record.Charge is { } charge)
        {
            rated.Add(new RatedProductUsage
            {
                RatingDate = record.UsageDate, UsageRatingTag = Overage, RatingAmountType = charge.PriceId, IsBilled = false,
                BucketValueConvertedInAmount = Money(record.Currency, 0m), TaxExcludedRatingAmount = Money(record.Currency, charge.Amount), ProductRef = product,
            });
        }

        var characteristics = new List<UsageCharacteristic>
        {
            Characteristic("ratingGroup", "integer", record.RatingGroup),
            Characteristic("chargingDataRef", "string", record.ChargingDataRef),
            Characteristic("sequenceNumber", "integer", record.SequenceNumber),
            Characteristic(MeasureOf(record.Unit), "integer", record.Used),
            Characteristic("unit", "string", record.Unit),
            Characteristic("zone", "string", record.Zone),
            Characteristic("paymentMode", "string", record.Prepaid ? "prepaid" : "postpaid"),
            Characteristic("includedUnits", "integer", record.Debits.Sum(debit => debit.Units)),
            Characteristic("chargedUnits", "integer", record.Charge?.Units ?? 0),
            Characteristic("unpricedUnits", "integer", record.Unpriced),
            Characteristic("beyondGrantUnits", "integer", record.BeyondGrant),
            Characteristic("uncoveredAmount", "number", record.Charge?.Uncovered ?? 0m),
        };
        characteristics.AddRange(record.Debits.Select(debit => Characteristic("bucketDebit", "object", new { bucketId = debit.BucketId, units = debit.Units })));
        return new Representation.Usage
        {
            Description = $"{record.Used} {record.Unit}s, rating group {record.RatingGroup}",
            UsageDate = record.UsageDate,
            UsageType = UsageTypeOf(record.Unit),
            Status = Rated,
            UsageCharacteristic = characteristics,
            RatedProductUsage = rated,
            RelatedParty = [.. parties.Select(party => new RelatedParty { Id = party.Id, Role = party.Role, ReferredType = party.ReferredType ?? "Individual" })],
        };
    }

    /// <summary>The characteristic that holds the used units: <c>volume</c> (octets), <c>duration</c> (seconds) or <c>events</c>.</summary>
    public static string MeasureOf(string unit) => unit switch
    {
        "second" => "duration",
        "event" => "events",
        _ => "volume",
    };

    private static Money Money(string currency, decimal value) => new() { Unit = currency, Value = value };

    private static UsageCharacteristic Characteristic(string name, string valueType, object value) =>
        new() { Name = name, ValueType = valueType, Value = JsonSerializer.SerializeToElement(value, UsageRecorded.Json) };
}
