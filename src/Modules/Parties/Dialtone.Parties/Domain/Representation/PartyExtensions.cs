namespace Dialtone.Parties.Domain.Representation;

public sealed partial class MediumCharacteristic : Customers.IMediumCharacteristic;
