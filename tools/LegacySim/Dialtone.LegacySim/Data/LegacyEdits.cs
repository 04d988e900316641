using System.Globalization;
using Dialtone.LegacySim.Soap;

namespace Dialtone.LegacySim.Data;

/// <summary>
/// Changes made inside the legacy system by its own users (the old call-centre screens), so the change feed has
/// changes Dialtone did not cause: origin system <c>LEGACY-CRM</c>, users <c>agent-NNN</c>, no trace id.
/// </summary>
internal static class LegacyEdits
{
    public const string System = "LEGACY-CRM";

    public static int Make(LegacyRecords records, int count, Random random)
    {
        var made = 0;
        foreach (var (id, version) in records.LiveCustomers(count, random))
        {
            var caller = new Caller(System, "agent-" + random.Next(1, 200).ToString("D3", CultureInfo.InvariantCulture), null);
            try
            {
                switch (random.Next(3))
                {
                    case 0:
                        records.UpdateContact(id, version, caller, null, "0170 " + random.Next(1_000_000, 9_999_999).ToString(CultureInfo.InvariantCulture));
                        break;
                    case 1:
                        records.UpdateAddress(id, version, caller, $"Neue Straße {random.Next(1, 200)}, {random.Next(10000, 99999)} Berlin");
                        break;
                    default:
                        var customer = records.GetCustomer(id);
                        var subscription = customer?.Accounts.SelectMany(a => a.Subscriptions).FirstOrDefault(s => LegacyCodes.IsLive(s.Status));
                        if (subscription is null)
                        {
                            records.UpdateAddress(id, version, caller, $"Alte Straße {random.Next(1, 200)}, {random.Next(10000, 99999)} Hamburg");
                        }
                        else
                        {
                            records.ChangePlan(id, version, caller, subscription.Id, LegacyCodes.PlanCodes.Where(p => p != subscription.PlanCode).ElementAt(random.Next(LegacyCodes.PlanCodes.Length - 1)));
                        }

                        break;
                }

                made++;
            }
            catch (LegacyFault)
            {
                // Someone else changed or locked the record meanwhile; a clerk would move on to the next one.
            }
        }

        return made;
    }

    /// <summary>The fields <see cref="MakeOne"/> can change.</summary>
    public static readonly string[] Fields = ["firstName", "lastName", "birthDate", "email", "phone", "address", "status"];

    /// <summary>
    /// One edit of one field of one customer by a legacy agent (a test's or a demo's targeted drift): answers the new
    /// version. An empty value clears the field (except names and status); the usual faults apply (unknown, erased, locked).
    /// </summary>
    public static long MakeOne(LegacyRecords records, string customerId, string field, string value)
    {
        var customer = records.GetCustomer(customerId) ?? throw LegacyFault.NotFound("customer");
        var caller = new Caller(System, "agent-001", null);
        return field switch
        {
            "firstName" => records.UpdateIdentity(customerId, customer.Version, caller, value, null, null),
            "lastName" => records.UpdateIdentity(customerId, customer.Version, caller, null, value, null),
            "birthDate" => records.UpdateIdentity(customerId, customer.Version, caller, null, null, value),
            "email" => records.UpdateContact(customerId, customer.Version, caller, value, null),
            "phone" => records.UpdateContact(customerId, customer.Version, caller, null, value),
            "address" => records.UpdateAddress(customerId, customer.Version, caller, value),
            "status" => records.ChangeStatus(customerId, customer.Version, caller, value, null),
            _ => throw LegacyFault.InvalidField("field", string.Join(", ", Fields)),
        };
    }
}
