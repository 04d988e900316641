using System.Text.Json.Serialization;

namespace Dialtone.Parties.Features.SignUp;

/// <summary>What a new subscriber gives to sign up (<c>POST /selfservice/signup</c>).</summary>
internal sealed record SignUpRequest(
    [property: JsonPropertyName("givenName"), JsonRequired] string GivenName,
    [property: JsonPropertyName("familyName"), JsonRequired] string FamilyName,
    [property: JsonPropertyName("email"), JsonRequired] string Email,
    [property: JsonPropertyName("phoneNumber"), JsonRequired] string PhoneNumber,
    [property: JsonPropertyName("address"), JsonRequired] SignUpAddress Address,
    [property: JsonPropertyName("password"), JsonRequired] string Password,
    [property: JsonPropertyName("consents")] SignUpConsents? Consents = null,
    [property: JsonPropertyName("birthDate")] DateTimeOffset? BirthDate = null);

/// <summary>A postal address, as TMF632's contact medium holds it.</summary>
internal sealed record SignUpAddress(
    [property: JsonPropertyName("street1"), JsonRequired] string Street1,
    [property: JsonPropertyName("city"), JsonRequired] string City,
    [property: JsonPropertyName("postCode"), JsonRequired] string PostCode,
    [property: JsonPropertyName("country"), JsonRequired] string Country,
    [property: JsonPropertyName("street2")] string? Street2 = null,
    [property: JsonPropertyName("stateOrProvince")] string? StateOrProvince = null);

/// <summary>The consents asked at sign-up; absent means not given.</summary>
internal sealed record SignUpConsents(
    [property: JsonPropertyName("marketing")] bool Marketing = false,
    [property: JsonPropertyName("personalisedOffers")] bool PersonalisedOffers = false);

/// <summary>
/// The answer to a sign-up, the same whether or not the address already had an account (so addresses cannot be probed):
/// a code (or, for an existing account, a warning) went to the address.
/// </summary>
internal sealed record SignUpAnswer(
    [property: JsonPropertyName("emailConfirmation")] string EmailConfirmation,
    [property: JsonPropertyName("message")] string Message);

/// <summary>What a sign-up created (kept inside Dialtone: the demo data uses it; the API answers <see cref="SignUpAnswer"/>).</summary>
internal sealed record SignUpResult(
    [property: JsonPropertyName("individualId")] string IndividualId,
    [property: JsonPropertyName("customerId")] string CustomerId,
    [property: JsonPropertyName("customerNumber")] string CustomerNumber,
    [property: JsonPropertyName("emailConfirmation")] string EmailConfirmation,
    [property: JsonPropertyName("userId")] string UserId);
