using Dialtone.Accounts.Contracts;
using Dialtone.Ordering.Domain.Representation;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Tmf;

namespace Dialtone.Ordering.Features.ProductOrders;

/// <summary>
/// The billing accounts an order names (<c>billingAccount</c> of the order, and of an item for its own product), read
/// from the accounts module. Each must exist and be visible to the caller (care: any; a partner: those it created; a
/// customer: those naming them), else it answers as an unknown id, so another customer's account ids cannot be probed;
/// it must be held by the order's customer (related party role <c>owner</c>) and not be closed. An order whose new
/// products name no account is billed to the one open account the customer holds; with several, the customer must say
/// which; with none (not opened yet right after sign-up, or a customer registered by care or a partner) it is billed
/// to no account, as before accounts were checked.
/// </summary>
internal static class OrderBillingAccounts
{
    public const string BasePath = "/tmf-api/accountManagement/v4/billingAccount/";

    public static async Task ResolveAsync(ProductOrder order, OrderCustomer customer, Caller caller, IBillingAccounts accounts, CancellationToken cancellationToken)
    {
        if (order.BillingAccount is { } named)
        {
            await CheckAsync(named, "'billingAccount'", customer, caller, accounts, cancellationToken);
        }

        var items = order.ProductOrderItem ?? [];
        for (var index = 0; index < items.Count; index++)
        {
            if (items[index].BillingAccount is { } own)
            {
                await CheckAsync(own, $"productOrderItem[{index}] (id '{items[index].Id}'): 'billingAccount'", customer, caller, accounts, cancellationToken);
            }
        }

        if (order.BillingAccount is null && items.Any(i => i.Action == "add" && i.BillingAccount is null))
        {
            // Only an account the caller may see is chosen: a partner's order is never billed to (nor shows) one it cannot read.
            var held = (await accounts.NamingPartyAsync(customer.PartyId, cancellationToken))
                .Where(a => a.IsHeldBy(customer.PartyId) && !a.IsClosed && VisibleTo(a, caller))
                .ToList();
            if (held.Count > 1)
            {
                throw TmfProblemException.BadRequest("MISSING_ATTRIBUTE",
                    "'billingAccount' must name the account to bill: the customer holds several open billing accounts.");
            }

            if (held.Count == 1)
            {
                order.BillingAccount = new BillingAccountRef { Id = held[0].Id, Href = BasePath + held[0].Id };
            }
        }
    }

    private static async Task CheckAsync(BillingAccountRef reference, string label, OrderCustomer customer, Caller caller, IBillingAccounts accounts, CancellationToken cancellationToken)
    {
        var account = string.IsNullOrWhiteSpace(reference.Id) ? null : await accounts.FindAsync(reference.Id, cancellationToken);
        var visible = account is not null && VisibleTo(account, caller);
        if (!visible)
        {
            throw TmfProblemException.BadRequest("REFERENCE_NOT_FOUND", $"{label} names billing account '{reference.Id}', which does not exist.");
        }

        if (!account!.IsHeldBy(customer.PartyId))
        {
            throw TmfProblemException.BadRequest("BILLING_ACCOUNT_NOT_USABLE", $"{label}: billing account '{account.Id}' is not held by the ordering customer.");
        }

        if (account.IsClosed)
        {
            throw TmfProblemException.BadRequest("BILLING_ACCOUNT_NOT_USABLE", $"{label}: billing account '{account.Id}' is closed.");
        }

        reference.Href = BasePath + account.Id;
    }

    private static bool VisibleTo(BillingAccountReference account, Caller caller) =>
        CustomerDataAccess.MayUseAsStaffOrCreator(account.CreatedBy, caller)
        || (caller.IsSelfService && account.RelatedParties.Any(p => p.Id == caller.PartyId));
}
