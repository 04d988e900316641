using System.Text.Json.Serialization;

namespace Dialtone.Parties.Domain.Representation.Customers;

/// <summary>Dialtone's extension of TMF629 Customer: the short number agents and customers quote.</summary>
public sealed partial class Customer
{
    /// <summary>The customer's human-readable number (<c>C-1000234</c>), assigned by Dialtone; searchable.</summary>
    [JsonPropertyName("customerNumber")]
    public string? CustomerNumber { get; set; }
}

/// <summary>The contact details TMF632 and TMF629 share (each spec generates its own class).</summary>
public interface IMediumCharacteristic
{
    string? EmailAddress { get; set; }

    string? PhoneNumber { get; set; }

    string? FaxNumber { get; set; }
}

public sealed partial class MediumCharacteristic : IMediumCharacteristic;
