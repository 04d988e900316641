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

    /// <summary>
    /// The usage id, the same for every delivery of a record: the rating time in its first 48 bits (Unix milliseconds, as
    /// in a UUIDv7), then 74 bits of a SHA-256 of the record's outbox id (session, sequence number, rating group), version
    /// 8. Records are written in time order, so their ids land at the end of the id indexes instead of on a random page of
    /// each (ADR 0012; bench/README, 2026-11-29).
    /// </summary>
    public static string IdOf(UsageRecorded record)
    {
        Span<byte> bytes = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes("dialtone-usage:" + record.Id), bytes);
        var milliseconds = Math.Clamp(record.UsageDate.ToUnixTimeMilliseconds(), 0, (1L << 48) - 1);
        for (var i = 0; i < 6; i++)
        {
            bytes[i] = (byte)(milliseconds >> (8 * (5 - i)));
        }

        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes[..16], bigEndian: true).ToString();
    }

    /// <summary>
    /// The id records had before <see cref="IdOf(UsageRecorded)"/> (a name-based UUID of the outbox id alone): a record
    /// relayed before an upgrade and delivered again after it is recognised by this id.
    /// </summary>
    public static string NameBasedIdOf(string recordId)
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
