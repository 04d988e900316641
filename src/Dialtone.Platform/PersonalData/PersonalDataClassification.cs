using Microsoft.Extensions.Compliance.Classification;
using Microsoft.Extensions.Compliance.Redaction;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dialtone.Platform.PersonalData;

/// <summary>Dialtone's data classification: what is personal data, for the log redactor.</summary>
public static class DialtoneTaxonomy
{
    public const string Name = "Dialtone";

    /// <summary>Names, emails, phone numbers, addresses, subscriber identifiers (MSISDN, IMSI, IMEI), IP addresses, locations.</summary>
    public static DataClassification PersonalData => new(Name, nameof(PersonalData));
}

/// <summary>Marks a log parameter (or property) as personal data: the logger writes it redacted, never in clear.</summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property | AttributeTargets.Field)]
public sealed class PersonalDataAttribute() : DataClassificationAttribute(DialtoneTaxonomy.PersonalData);

public static class PersonalDataLogging
{
    /// <summary>Logs go through Microsoft.Extensions.Compliance redaction: personal data is erased from every log line.</summary>
    public static void AddPersonalDataRedaction(this IServiceCollection services, ILoggingBuilder logging)
    {
        logging.EnableRedaction();
        services.AddRedaction(redaction => redaction.SetRedactor<ErasingRedactor>(new DataClassificationSet(DialtoneTaxonomy.PersonalData)));
    }
}
