using Dialtone.Charging.Grains;
using Dialtone.Inventory.Contracts;
using Dialtone.Platform;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Idempotency;
using Dialtone.Platform.Json;
using Dialtone.Platform.PersonalData;
using Dialtone.Platform.Tmf;
using Dialtone.Platform.Tmf.Documents;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Dialtone.Charging.Balance;

/// <summary>
/// Top-ups (TMF654 <c>topupBalance</c>) and vouchers. A voucher is claimed for the account and the top-up's key before
/// its value is credited; the claim's write also puts the credit in the voucher's outbox, so the account is credited
/// even if this request fails right after the claim, and the credit is idempotent by the top-up's key, so the request's
/// own credit and the outbox's are one.
/// </summary>
internal static class TopUps
{
    private const int MaxVouchersPerBatch = 1000;

    public static async Task<IResult> CreateAsync(HttpContext http, IGrainFactory grains, IProductInventory inventory, PersonalDataProtector protector,
        IOptions<ChargingOptions> settings, IOptions<DialtoneOptions> options, CancellationToken ct)
    {
        var key = IdempotencyKey(http);
        var body = await TmfBody.ReadObjectAsync(http.Request, ct);
        var create = TmfRepresentation.FromJson<TopupBalanceCreate>(body);
        var caller = http.GetCaller();
        if (create.Product is not [{ Id: { Length: > 0 } productId }])
        {
            throw TmfProblemException.BadRequest("INVALID_BODY", "'product' names exactly one line: [{\"id\": \"...\"}].");
        }

        if ((create.Amount is null) == (create.Voucher is null))
        {
            throw TmfProblemException.BadRequest("INVALID_BODY", "Give either 'amount' (a credit by an agent or admin) or 'voucher', not both.");
        }

        if (create.UsageType is not (null or "monetary"))
        {
            throw TmfProblemException.BadRequest("INVALID_BODY", "'usageType': top-ups credit money ('monetary').");
        }

        if (create.Reason?.Length > 500 || create.Description?.Length > 500 || create.Channel?.Name?.Length > 64 || create.Channel?.Id?.Length > 64)
        {
            throw TmfProblemException.BadRequest("INVALID_BODY", "'reason' and 'description' take at most 500 characters, 'channel' 64.");
        }

        if (create.Amount is { } credit)
        {
            if (!caller.IsCustomerCare)
            {
                throw new TmfProblemException(403, "FORBIDDEN", "Forbidden", "Only agents and admins credit an amount; a subscriber applies a voucher.");
            }

            var max = settings.Value.MaxTopUp;
            if (credit.Amount <= 0 || credit.Amount > max || decimal.Round(credit.Amount, 2) != credit.Amount)
            {
                throw TmfProblemException.BadRequest("INVALID_BODY", $"'amount.amount' is more than 0 and at most {max}, in cents.");
            }

            if (credit.Units is not { Length: 3 } || !credit.Units.All(char.IsAsciiLetterUpper))
            {
                throw TmfProblemException.BadRequest("INVALID_BODY", "'amount.units' is an ISO 4217 currency code (EUR).");
            }
        }

        var line = await PrepayBalanceEndpoints.VisibleLineAsync(http, inventory, productId, ct);
        var accountId = ChargingAccountIds.Of(line.Id);
        var account = grains.GetGrain<IChargingAccountGrain>(accountId);
        var topUpKey = protector.Hash($"topup:{caller.ScopeKey}:{key}");
        var fingerprint = IdempotencyGate.Hash(body, protector);
        var channel = create.Channel?.Name ?? (caller.IsCustomerCare ? "care" : caller.IsSelfService ? "selfService" : "partner");
        var requestor = caller.OwnerKey ?? "anonymous";
        // Free text an agent typed (it may name the customer or their complaint): encrypted in the account's state.
        var reason = create.Reason is { Length: > 0 } text ? protector.Protect(text) : null;

        TopUpRequest request;
        IVoucherGrain? voucherGrain = null;
        if (create.Voucher is { } voucherCode)
        {
            var canonical = VoucherCodes.Normalise(voucherCode)
                            ?? throw TmfProblemException.BadRequest("INVALID_BODY", "'voucher' is a code of 12 to 32 letters and digits (dashes and spaces are ignored).");
            // Judge the line and the key before the voucher is claimed: a claim cannot be undone.
            var balance = await account.BalanceAsync();
            var template = new TopUpRequest(topUpKey, fingerprint, 0, balance?.Currency ?? "EUR", VoucherCodes.Masked(canonical), reason, channel, requestor);
            var judged = await account.JudgeTopUpAsync(template);
            if (judged.Outcome is not (TopUpOutcome.Credited or TopUpOutcome.Repeated))
            {
                throw Refusal(judged);
            }

            var voucher = grains.GetGrain<IVoucherGrain>(VoucherCodes.KeyOf(protector, canonical));
            var claim = await voucher.ClaimAsync(accountId, template);
            switch (claim.Outcome)
            {
                case VoucherClaimOutcome.Unknown:
                    throw TmfProblemException.Unprocessable("VOUCHER_UNKNOWN", "No voucher has this code.");
                case VoucherClaimOutcome.Used:
                    throw TmfProblemException.Conflict("VOUCHER_USED", "The voucher was used already.");
                case VoucherClaimOutcome.Expired:
                    throw TmfProblemException.Unprocessable("VOUCHER_EXPIRED", "The voucher is past its validity.");
                case VoucherClaimOutcome.WrongCurrency:
                    throw TmfProblemException.Unprocessable("WRONG_CURRENCY", $"The voucher is not in the line's currency ({template.Currency}).");
            }

            if (claim.Credited)
            {
                // Credited before under this key: answer that top-up while the account remembers it, never credit again.
                var earlier = (await account.TopUpsAsync()).FirstOrDefault(record => record.Key == topUpKey)
                              ?? throw TmfProblemException.Conflict("VOUCHER_USED", "The voucher was used already.");
                http.Response.Headers[IdempotencyGate.ReplayedHeaderName] = "true";
                return Created(http, earlier, options, caller, protector);
            }

            voucherGrain = voucher;
            request = claim.TopUp!;
        }
        else
        {
            request = new TopUpRequest(topUpKey, fingerprint, create.Amount!.Amount, create.Amount.Units, null, reason, channel, requestor);
        }

        var result = await account.TopUpAsync(request);
        if (result.Outcome is not (TopUpOutcome.Credited or TopUpOutcome.Repeated))
        {
            throw Refusal(result);
        }

        if (voucherGrain is not null)
        {
            await voucherGrain.MarkCreditedAsync();
        }

        if (result.Outcome == TopUpOutcome.Repeated)
        {
            http.Response.Headers[IdempotencyGate.ReplayedHeaderName] = "true";
        }

        return Created(http, result.Record!, options, caller, protector);
    }

    private static IResult Created(HttpContext http, TopUpRecord record, IOptions<DialtoneOptions> options, Caller caller, PersonalDataProtector protector)
    {
        var view = BalanceViews.TopUpOf(record, PrepayBalanceEndpoints.Base(http, options), caller.IsCustomerCare, protector);
        http.Response.Headers.Location = view.Href;
        return Results.Json(view, TmfJson.Options, statusCode: StatusCodes.Status201Created);
    }

    private static TmfProblemException Refusal(TopUpResult result) => result.Outcome switch
    {
        TopUpOutcome.KeyReused => TmfProblemException.Unprocessable("IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was used for another top-up."),
        TopUpOutcome.NotPrepaid => TmfProblemException.Unprocessable("NOT_PREPAID", "The line is postpaid: credits are adjustments of its bill."),
        TopUpOutcome.WrongCurrency => TmfProblemException.Unprocessable("WRONG_CURRENCY", $"The line's balance is in {result.Currency}."),
        _ => TmfProblemException.Unprocessable("LINE_NOT_CHARGING", "The line has no open charging account."),
    };

    public static async Task<IResult> IssueVouchersAsync(HttpContext http, IGrainFactory grains, PersonalDataProtector protector, TimeProvider clock, CancellationToken ct)
    {
        var key = IdempotencyKey(http, "Vouchers are money");
        var body = await TmfBody.ReadObjectAsync(http.Request, ct);
        var fingerprint = IdempotencyGate.Hash(body, protector);
        var create = TmfRepresentation.FromJson<VoucherBatchCreate>(body);
        if (create.Count is < 1 or > MaxVouchersPerBatch)
        {
            throw TmfProblemException.BadRequest("INVALID_BODY", $"'count' is 1 to {MaxVouchersPerBatch}.");
        }

        if (create.Amount is null || create.Amount.Amount is <= 0 or > 1000 || decimal.Round(create.Amount.Amount, 2) != create.Amount.Amount
            || create.Amount.Units is not { Length: 3 } || !create.Amount.Units.All(char.IsAsciiLetterUpper))
        {
            throw TmfProblemException.BadRequest("INVALID_BODY", "'amount' is more than 0 and at most 1000, in cents, with an ISO 4217 currency code.");
        }

        var now = clock.GetUtcNow();
        if (create.ValidFor?.EndDateTime is not { } until || until <= now || until > now.AddYears(5))
        {
            throw TmfProblemException.BadRequest("INVALID_BODY", "'validFor.endDateTime' is in the future, within five years.");
        }

        if (create.Name?.Length > 100)
        {
            throw TmfProblemException.BadRequest("INVALID_BODY", "'name' takes at most 100 characters.");
        }

        // The batch is named by the issuer and the key: a retry (same key, same body) opens nothing new and answers the
        // same codes, derived again from the batch id; the same key with another body is refused as any reused key is.
        var batch = VoucherCodes.BatchOf(protector, http.GetCaller().OwnerKey ?? "anonymous", key);
        var opening = await grains.GetGrain<IVoucherBatchGrain>(batch).OpenAsync(new VoucherBatchRequest(
            fingerprint, create.Name, create.Count, create.Amount.Amount, create.Amount.Units, until, now));
        if (opening.Batch is not { } opened)
        {
            throw TmfProblemException.Unprocessable("IDEMPOTENCY_KEY_REUSED", "This Idempotency-Key was used for another voucher batch; use a new key for a new batch.");
        }

        var terms = new VoucherTerms(opened.Amount, opened.Currency, opened.ValidUntil, batch);
        var codes = new List<string>(opened.Count);
        for (var index = 0; codes.Count < opened.Count; index++)
        {
            // A candidate another batch holds already (about 2^-80 a code) is passed over, the same way on every retry.
            if (index >= opened.Count + MaxVouchersPerBatch)
            {
                throw new InvalidOperationException($"Voucher batch {batch}: too many code collisions.");
            }

            var code = VoucherCodes.CodeOf(protector, batch, index);
            if (await grains.GetGrain<IVoucherGrain>(VoucherCodes.KeyOf(protector, VoucherCodes.Normalise(code)!)).IssueAsync(terms))
            {
                codes.Add(code);
            }
        }

        var answer = new VoucherBatch(batch, opened.Name, new Quantity(opened.Amount, opened.Currency), new TimePeriod(opened.IssuedAt, opened.ValidUntil), codes);
        http.Response.Headers.CacheControl = "no-store";
        if (opening.Replayed)
        {
            http.Response.Headers[IdempotencyGate.ReplayedHeaderName] = "true";
        }

        return Results.Json(answer, TmfJson.Options, statusCode: StatusCodes.Status201Created);
    }

    private static string IdempotencyKey(HttpContext http, string why = "A top-up moves money")
    {
        var values = http.Request.Headers[IdempotencyGate.HeaderName];
        var key = values.ToString().Trim().Trim('"');
        if (values.Count != 1 || key.Length is 0 or > 255)
        {
            throw TmfProblemException.BadRequest("IDEMPOTENCY_KEY_REQUIRED", $"{why}: send one Idempotency-Key header of 1 to 255 characters.");
        }

        return key;
    }
}
