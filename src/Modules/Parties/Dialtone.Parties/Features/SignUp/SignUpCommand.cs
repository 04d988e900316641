using System.Text.Json;
using System.Text.Json.Nodes;
using Dialtone.Identity.Contracts;
using Dialtone.Parties.Contracts;
using Dialtone.Parties.Domain;
using Dialtone.Parties.Domain.Representation;
using Dialtone.Parties.Features.Customers;
using Dialtone.Parties.Features.Individuals;
using Dialtone.Parties.Persistence;
using Dialtone.Platform.Auth;
using Dialtone.Platform.Json;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.PersonalData;
using Dialtone.Platform.Tmf;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Wolverine.EntityFrameworkCore;

namespace Dialtone.Parties.Features.SignUp;

/// <summary>
/// Signs a person up: a customer login (identity module), then in one transaction their TMF632 individual with contact
/// data and consents, their TMF629 customer with a number, and <see cref="CustomerRegistered"/> on the outbox (the
/// accounts module opens their billing account). If the second step fails the login is removed again. The demo
/// subscribers are created through here too.
/// </summary>
internal sealed partial class SignUpCommand(
    IServiceScopeFactory scopes, ISubscriberAccounts logins, IndividualRules individuals, CustomerRules customers, TimeProvider clock, ILogger<SignUpCommand> logger)
{
    /// <summary>Who the records of a sign-up are created by.</summary>
    public static readonly Caller SignUpCaller = new("dialtone-signup", new HashSet<string>(StringComparer.Ordinal) { DialtoneRoles.Admin });

    public const string MarketingConsent = "marketingConsent";
    public const string PersonalisedOffersConsent = "personalisedOffersConsent";

    /// <summary>Signs the person up; null when the address already had an account (its owner was mailed instead).</summary>
    public async Task<SignUpResult?> ExecuteAsync(SignUpRequest input, string baseUrl, CancellationToken cancellationToken, bool demoSubscriber = false)
    {
        var email = ContactData.NormaliseEmail(input.Email, "email");
        var phone = ContactData.NormalisePhone(input.PhoneNumber, "phoneNumber");
        var individual = Individual(input, email, phone);
        var now = clock.GetUtcNow();
        var partyId = Guid.CreateVersion7(now).ToString();

        var registration = await logins.RegisterAsync(email, input.Password, partyId, cancellationToken);
        if (registration is SubscriberRegistration.EmailTaken)
        {
            return null;
        }

        var login = registration switch
        {
            SubscriberRegistration.Registered registered => registered.UserId,
            SubscriberRegistration.PasswordRejected rejected => throw TmfProblemException.BadRequest("WEAK_PASSWORD", string.Join(" ", rejected.Reasons)),
            _ => throw new InvalidOperationException("Unknown registration outcome."),
        };

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var outbox = scope.ServiceProvider.GetRequiredService<IDbContextOutbox<PartiesDbContext>>();
            await using var transaction = await outbox.DbContext.BeginSerializedWriteAsync(cancellationToken);
            var context = new TmfWriteContext(outbox.DbContext, SignUpCaller, baseUrl, now);
            await TmfResourceEndpoints.CreateDocumentAsync<PartiesDbContext, Individual, IndividualRules>(
                outbox, individuals, individual, context, cancellationToken, partyId);
            var customer = new JsonObject
            {
                ["engagedParty"] = new JsonObject { ["id"] = partyId, ["@referredType"] = "Individual", ["role"] = "customer" },
            };
            var (customerDocument, customerView) = await TmfResourceEndpoints.CreateDocumentAsync<PartiesDbContext, Domain.Representation.Customers.Customer, CustomerRules>(
                outbox, customers, customer, context, cancellationToken);
            var number = customerView["customerNumber"]!.GetValue<string>();
            await outbox.PublishAsync(new CustomerRegistered(partyId, customerDocument.Id, number, SignUpCaller.Subject!, demoSubscriber));
            await outbox.SaveChangesAndFlushMessagesAsync(cancellationToken);
            LogSignedUp(logger, email, number, partyId);
            return new SignUpResult(partyId, customerDocument.Id, number, "pending", login);
        }
        catch
        {
            await logins.RemoveAsync(login, CancellationToken.None);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Email} signed up as customer {CustomerNumber}, party {PartyId}")]
    private static partial void LogSignedUp(ILogger logger, [PersonalData] string email, string customerNumber, string partyId);

    private static JsonObject Individual(SignUpRequest input, string email, string phone)
    {
        var address = input.Address;
        var consents = input.Consents ?? new SignUpConsents();
        var body = new Individual
        {
            GivenName = Required(input.GivenName, "givenName"),
            FamilyName = Required(input.FamilyName, "familyName"),
            BirthDate = input.BirthDate,
            ContactMedium =
            [
                new ContactMedium { MediumType = "email", Preferred = true, Characteristic = new MediumCharacteristic { ContactType = "email", EmailAddress = email } },
                new ContactMedium { MediumType = "mobile", Preferred = false, Characteristic = new MediumCharacteristic { ContactType = "mobile", PhoneNumber = phone } },
                new ContactMedium
                {
                    MediumType = "postalAddress",
                    Preferred = false,
                    Characteristic = new MediumCharacteristic
                    {
                        ContactType = "home",
                        Street1 = Required(address.Street1, "address.street1"),
                        Street2 = address.Street2?.Trim(),
                        City = Required(address.City, "address.city"),
                        PostCode = Required(address.PostCode, "address.postCode"),
                        StateOrProvince = address.StateOrProvince?.Trim(),
                        Country = CountryCode(address.Country),
                    },
                },
            ],
            PartyCharacteristic =
            [
                Consent(MarketingConsent, consents.Marketing),
                Consent(PersonalisedOffersConsent, consents.PersonalisedOffers),
            ],
        };
        return JsonSerializer.SerializeToNode(body, TmfJson.Options)!.AsObject();
    }

    private static Characteristic Consent(string name, bool given) =>
        new() { Name = name, ValueType = "boolean", Value = JsonSerializer.SerializeToElement(given) };

    private static string Required(string? value, string attribute) =>
        string.IsNullOrWhiteSpace(value) || value.Length > 200
            ? throw TmfProblemException.BadRequest("INVALID_ATTRIBUTE", $"'{attribute}' is mandatory, at most 200 characters.")
            : value.Trim();

    private static string CountryCode(string? country)
    {
        var code = (country ?? "").Trim().ToUpperInvariant();
        return code.Length == 2 && code.All(char.IsAsciiLetterUpper)
            ? code
            : throw TmfProblemException.BadRequest("INVALID_ATTRIBUTE", "'address.country' must be an ISO 3166-1 alpha-2 code, e.g. IE.");
    }
}
