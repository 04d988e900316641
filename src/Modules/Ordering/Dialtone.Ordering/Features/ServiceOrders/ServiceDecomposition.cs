using System.Text.Json;
using Dialtone.Inventory.Contracts;
using Dialtone.Ordering.Domain;
using static Dialtone.Ordering.Provisioning.ProvisioningOperations;

namespace Dialtone.Ordering.Features.ServiceOrders;

/// <summary>
/// One service a product order item acts on (TMF641 service order item, TMF638 service): the mobile subscription on
/// the network, the eSIM profile on the SM-DP+, a data add-on or roaming pass on the line, a fibre access. Realised by
/// <see cref="StepIds"/>, the provisioning steps of the order's process.
/// </summary>
internal sealed record PlannedService(
    string ServiceOrderItemId,
    string ProductOrderItemId,
    string ProductId,
    string ServiceId,
    string Name,
    string Specification,
    string Action,
    string? TargetState,
    IReadOnlyList<string> StepIds,
    IReadOnlyList<KeyValuePair<string, string>> Characteristics);

/// <summary>
/// Decomposes a product order into services, from the steps of its process (each provisioning operation acts on one
/// service): pure, so the service order written at submit, its states while the order runs and the services inventory
/// records at completion all come from the same rule. Service ids are stable across orders (derived from the product
/// and, for eSIMs, the profile), so a later order modifies or terminates the service an earlier one created.
/// </summary>
internal static class ServiceDecomposition
{
    public static IReadOnlyList<PlannedService> Of(IReadOnlyList<ProcessStep> steps)
    {
        var services = new List<PlannedService>();
        foreach (var group in steps.Select(s => (Step: s, Service: ServiceOf(s))).Where(x => x.Service is not null)
                     .GroupBy(x => (x.Step.ItemId, x.Service!.Value.Id)))
        {
            var first = group.First().Service!.Value;
            var characteristics = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (step, service) in group)
            {
                foreach (var (name, value) in service!.Value.Characteristics)
                {
                    characteristics[name] = value;
                }
            }

            var action = group.Select(x => x.Service!.Value.Action).OrderBy(a => a switch { "add" => 0, "delete" => 1, _ => 2 }).First();
            var targetState = action switch
            {
                "add" => ServiceState.Active,
                "delete" => ServiceState.Terminated,
                _ => group.Select(x => x.Service!.Value.State).LastOrDefault(s => s is not null),
            };
            services.Add(new PlannedService((services.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), group.Key.ItemId, first.ProductId, group.Key.Id,
                first.Name, first.Specification, action, targetState, [.. group.Select(x => x.Step.Id)], [.. characteristics]));
        }

        return services;
    }

    /// <summary>The services of one product order item, as inventory records them when the order completes.</summary>
    public static IReadOnlyList<InventoryService> ForInventory(IReadOnlyList<PlannedService> services, string productOrderItemId, string serviceOrderId) =>
    [
        .. services.Where(s => s.ProductOrderItemId == productOrderItemId).Select(s => new InventoryService(
            s.ServiceId, s.Action, s.Name, s.Specification, s.TargetState,
            [.. s.Characteristics.Select(c => new InventoryCharacteristic(c.Key, "string", JsonSerializer.SerializeToElement(c.Value)))],
            serviceOrderId, s.ServiceOrderItemId)),
    ];

    private readonly record struct StepService(string Id, string ProductId, string Name, string Specification, string Action, string? State, IReadOnlyList<(string Name, string Value)> Characteristics);

    private static StepService? ServiceOf(ProcessStep step)
    {
        var input = step.Input;
        string Get(string key) => input.GetValueOrDefault(key) ?? "";
        (string, string)[] Kept(params (string Name, string Key)[] pairs) => [.. pairs.Where(p => input.ContainsKey(p.Key) && input[p.Key].Length > 0).Select(p => (p.Name, input[p.Key]))];

        StepService Line(string action, string? state, params (string, string)[] characteristics) =>
            new("line-" + Get("subscription"), Get("subscription"), "Mobile subscription", "mobileSubscription", action, state, characteristics);

        return step.Operation switch
        {
            PortIn => Line("add", ServiceState.Active, Kept(("msisdn", "msisdn"), ("portInDonorOperator", "donorOperator"))),
            CreateSubscriber => Line("add", ServiceState.Active, Kept(("msisdn", "msisdn"), ("imsi", "imsi"), ("paymentMode", "paymentMode"))),
            UpdateSubscriber => Line("modify", null, Kept(("paymentMode", "paymentMode"))),
            SuspendSubscriber => Line("modify", ServiceState.Inactive, Kept(("suspensionReason", "reason"))),
            ResumeSubscriber => Line("modify", ServiceState.Active),
            DeleteSubscriber => Line("delete", ServiceState.Terminated),
            PrepareProfile => new("esim-" + Get("profile"), ProductOf(Get("profile")), "eSIM profile", "esimProfile", "add", ServiceState.Active, Kept(("iccid", "iccid"))),
            DeleteProfile => new("esim-" + Get("profile"), ProductOf(Get("profile")), "eSIM profile", "esimProfile", "delete", ServiceState.Terminated, []),
            ActivateService => new("svc-" + Get("productId"), Get("productId"), "Service " + Get("service"), Get("service"), "add", ServiceState.Active, Kept(("serviceCode", "service"))),
            DeactivateService => new("svc-" + Get("productId"), Get("productId"), "Service " + Get("service"), Get("service"), "delete", ServiceState.Terminated, []),
            CreateFibreAccess => new("fibre-" + Get("productId"), Get("productId"), "Fibre access", "fibreAccess", "add", ServiceState.Active, []),
            DeleteFibreAccess => new("fibre-" + Get("productId"), Get("productId"), "Fibre access", "fibreAccess", "delete", ServiceState.Terminated, []),
            _ => null,
        };
    }

    /// <summary>A profile id is the product id, or the product id and a suffix after a SIM swap (<c>{productId}.{suffix}</c>).</summary>
    private static string ProductOf(string profileId) => profileId.Split('.')[0];
}
