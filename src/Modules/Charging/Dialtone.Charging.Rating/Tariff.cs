namespace Dialtone.Charging.Rating;

/// <summary>The usage prices of an account's products: at most one per rating group and unit (ADR 0011 §2), all in the account's currency.</summary>
public sealed class Tariff
{
    /// <summary>A tariff of <paramref name="prices"/>.</summary>
    /// <exception cref="ArgumentException">A price is in another currency, or two prices price the same rating group and unit.</exception>
    public Tariff(string currency, IEnumerable<UsagePrice> prices)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(currency);
        ArgumentNullException.ThrowIfNull(prices);
        Currency = currency;
        Prices = [.. prices];
        if (Prices.FirstOrDefault(price => price.Currency != currency) is { } foreign)
        {
            throw new ArgumentException($"Price '{foreign.Id}' is in {foreign.Currency}, the account in {currency}.", nameof(prices));
        }

        var twice = Prices.SelectMany(price => price.RatingGroups.Select(group => (group, price.Per.Unit))).GroupBy(key => key).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
        {
            throw new ArgumentException($"Rating group {twice.Key.group} ({twice.Key.Unit}) has more than one usage price.", nameof(prices));
        }
    }

    /// <summary>ISO 4217.</summary>
    public string Currency { get; }

    /// <summary>The usage prices.</summary>
    public IReadOnlyList<UsagePrice> Prices { get; }

    /// <summary>The price of usage of <paramref name="service"/>, or null when usage beyond allowances has none.</summary>
    public UsagePrice? For(RatedService service) => Prices.FirstOrDefault(price => price.Prices(service));
}
