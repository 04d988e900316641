using System.Text.Json.Serialization;

namespace Dialtone.Charging.Nchf;

// The parts of TS 32.291 (Nchf_ConvergedCharging 3.1.6, ../shared/specs/3gpp/rel-17) Dialtone reads and writes. Members
// the spec defines and Dialtone does not use are ignored on input and never written; names are the spec's, including
// its capitals (nFName, pDUSessionChargingInformation).

/// <summary>A <c>ChargingDataRequest</c>: the body of create, update and release.</summary>
internal sealed record ChargingDataRequest
{
    [JsonPropertyName("subscriberIdentifier")] public string? SubscriberIdentifier { get; init; }
    [JsonPropertyName("chargingId")] public long? ChargingId { get; init; }
    [JsonPropertyName("nfConsumerIdentification")] public NfIdentification? NfConsumerIdentification { get; init; }
    [JsonPropertyName("invocationTimeStamp")] public DateTimeOffset? InvocationTimeStamp { get; init; }
    [JsonPropertyName("invocationSequenceNumber")] public long? InvocationSequenceNumber { get; init; }
    [JsonPropertyName("retransmissionIndicator")] public bool? RetransmissionIndicator { get; init; }
    [JsonPropertyName("oneTimeEvent")] public bool? OneTimeEvent { get; init; }
    [JsonPropertyName("oneTimeEventType")] public string? OneTimeEventType { get; init; }
    [JsonPropertyName("notifyUri")] public string? NotifyUri { get; init; }
    [JsonPropertyName("multipleUnitUsage")] public IReadOnlyList<MultipleUnitUsage>? MultipleUnitUsage { get; init; }
    [JsonPropertyName("pDUSessionChargingInformation")] public PduSessionChargingInformation? PduSessionChargingInformation { get; init; }
    [JsonPropertyName("iMSChargingInformation")] public ImsChargingInformation? ImsChargingInformation { get; init; }
    [JsonPropertyName("sMSChargingInformation")] public SmsChargingInformation? SmsChargingInformation { get; init; }
}

/// <summary><c>IMSChargingInformation</c>: a call (IMS session); <c>imsChargingIdentifier</c> (ICID) identifies it.</summary>
internal sealed record ImsChargingInformation
{
    [JsonPropertyName("imsChargingIdentifier")] public string? ImsChargingIdentifier { get; init; }
    [JsonPropertyName("userInformation")] public UserInformation? UserInformation { get; init; }
}

/// <summary><c>SMSChargingInformation</c>: a short message.</summary>
internal sealed record SmsChargingInformation
{
    [JsonPropertyName("roamerInOut")] public string? RoamerInOut { get; init; }
    [JsonPropertyName("numberofMessagesSent")] public long? NumberOfMessagesSent { get; init; }
}

/// <summary><c>NFIdentification</c>: who asks (an SMF). <c>nodeFunctionality</c> is mandatory.</summary>
internal sealed record NfIdentification
{
    [JsonPropertyName("nFName")] public string? NfName { get; init; }
    [JsonPropertyName("nFIPv4Address")] public string? NfIpv4Address { get; init; }
    [JsonPropertyName("nFIPv6Address")] public string? NfIpv6Address { get; init; }
    [JsonPropertyName("nFFqdn")] public string? NfFqdn { get; init; }
    [JsonPropertyName("nodeFunctionality")] public string? NodeFunctionality { get; init; }
    [JsonPropertyName("nFPLMNID")] public PlmnId? NfPlmnId { get; init; }
}

/// <summary><c>PlmnId</c>: mobile country and network codes.</summary>
internal sealed record PlmnId
{
    [JsonPropertyName("mcc")] public string? Mcc { get; init; }
    [JsonPropertyName("mnc")] public string? Mnc { get; init; }
}

/// <summary><c>MultipleUnitUsage</c>: one rating group's request for quota and its used units.</summary>
internal sealed record MultipleUnitUsage
{
    [JsonPropertyName("ratingGroup")] public long? RatingGroup { get; init; }
    [JsonPropertyName("requestedUnit")] public Units? RequestedUnit { get; init; }
    [JsonPropertyName("usedUnitContainer")] public IReadOnlyList<UsedUnitContainer>? UsedUnitContainer { get; init; }
}

/// <summary><c>RequestedUnit</c> / <c>GrantedUnit</c>: time in seconds, volumes in octets, service-specific units (events).</summary>
internal sealed record Units
{
    [JsonPropertyName("time")] public long? Time { get; init; }
    [JsonPropertyName("totalVolume")] public long? TotalVolume { get; init; }
    [JsonPropertyName("uplinkVolume")] public long? UplinkVolume { get; init; }
    [JsonPropertyName("downlinkVolume")] public long? DownlinkVolume { get; init; }
    [JsonPropertyName("serviceSpecificUnits")] public long? ServiceSpecificUnits { get; init; }
}

/// <summary><c>UsedUnitContainer</c>: units used since the last report; <c>localSequenceNumber</c> is mandatory.</summary>
internal sealed record UsedUnitContainer
{
    [JsonPropertyName("localSequenceNumber")] public long? LocalSequenceNumber { get; init; }
    [JsonPropertyName("time")] public long? Time { get; init; }
    [JsonPropertyName("totalVolume")] public long? TotalVolume { get; init; }
    [JsonPropertyName("uplinkVolume")] public long? UplinkVolume { get; init; }
    [JsonPropertyName("downlinkVolume")] public long? DownlinkVolume { get; init; }
    [JsonPropertyName("serviceSpecificUnits")] public long? ServiceSpecificUnits { get; init; }
    [JsonPropertyName("quotaManagementIndicator")] public string? QuotaManagementIndicator { get; init; }
}

/// <summary><c>PDUSessionChargingInformation</c>: a data session; the MSISDN arrives as <c>userInformation.servedGPSI</c>.</summary>
internal sealed record PduSessionChargingInformation
{
    [JsonPropertyName("chargingId")] public long? ChargingId { get; init; }
    [JsonPropertyName("userInformation")] public UserInformation? UserInformation { get; init; }
    [JsonPropertyName("pduSessionInformation")] public PduSessionInformation? PduSessionInformation { get; init; }
}

/// <summary><c>UserInformation</c>.</summary>
internal sealed record UserInformation
{
    [JsonPropertyName("servedGPSI")] public string? ServedGpsi { get; init; }
    [JsonPropertyName("roamerInOut")] public string? RoamerInOut { get; init; }
}

/// <summary><c>PDUSessionInformation</c>: where the session is served (the serving PLMN decides the zone).</summary>
internal sealed record PduSessionInformation
{
    [JsonPropertyName("pduSessionID")] public long? PduSessionId { get; init; }
    [JsonPropertyName("servingNetworkFunctionID")] public ServingNetworkFunctionId? ServingNetworkFunctionId { get; init; }
}

/// <summary><c>ServingNetworkFunctionID</c>.</summary>
internal sealed record ServingNetworkFunctionId
{
    [JsonPropertyName("servingNetworkFunctionInformation")] public NfIdentification? ServingNetworkFunctionInformation { get; init; }
}

/// <summary>A <c>ChargingDataResponse</c>.</summary>
internal sealed record ChargingDataResponse
{
    [JsonPropertyName("invocationTimeStamp")] public required DateTimeOffset InvocationTimeStamp { get; init; }
    [JsonPropertyName("invocationSequenceNumber")] public required long InvocationSequenceNumber { get; init; }
    [JsonPropertyName("invocationResult")] public InvocationResult? InvocationResult { get; init; }
    [JsonPropertyName("sessionFailover")] public string? SessionFailover { get; init; }
    [JsonPropertyName("multipleUnitInformation")] public IReadOnlyList<MultipleUnitInformation>? MultipleUnitInformation { get; init; }
}

/// <summary><c>InvocationResult</c>: what the consumer does when it cannot reach the CHF.</summary>
internal sealed record InvocationResult
{
    [JsonPropertyName("failureHandling")] public string? FailureHandling { get; init; }
}

/// <summary><c>MultipleUnitInformation</c>: one rating group's answer.</summary>
internal sealed record MultipleUnitInformation
{
    [JsonPropertyName("resultCode")] public required string ResultCode { get; init; }
    [JsonPropertyName("ratingGroup")] public required long RatingGroup { get; init; }
    [JsonPropertyName("grantedUnit")] public Units? GrantedUnit { get; init; }
    [JsonPropertyName("validityTime")] public long? ValidityTime { get; init; }
    [JsonPropertyName("quotaHoldingTime")] public long? QuotaHoldingTime { get; init; }
    [JsonPropertyName("volumeQuotaThreshold")] public long? VolumeQuotaThreshold { get; init; }
    [JsonPropertyName("timeQuotaThreshold")] public long? TimeQuotaThreshold { get; init; }
    [JsonPropertyName("unitQuotaThreshold")] public long? UnitQuotaThreshold { get; init; }
    [JsonPropertyName("finalUnitIndication")] public FinalUnitIndication? FinalUnitIndication { get; init; }
}

/// <summary><c>FinalUnitIndication</c>: what the network does when the last granted units are used.</summary>
internal sealed record FinalUnitIndication
{
    [JsonPropertyName("finalUnitAction")] public required string FinalUnitAction { get; init; }
}
