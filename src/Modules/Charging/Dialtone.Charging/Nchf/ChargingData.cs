using System.Text.Json.Serialization;

namespace Dialtone.Charging.Nchf;

// The parts of TS 32.291 (Nchf_ConvergedCharging 3.1.6, ../shared/specs/3gpp/rel-17) Dialtone reads and writes. Members
// the spec defines and Dialtone does not use are ignored on input and never written; names are the spec's, including
// its capitals (nFName, pDUSessionChargingInformation). Properties have setters, not init accessors: the JSON source
// generator reads a type whose properties are init-only as if through a constructor (an argument array, every number
// boxed, a read stack per object), which was most of what reading a request allocated.

/// <summary>A <c>ChargingDataRequest</c>: the body of create, update and release.</summary>
internal sealed record ChargingDataRequest
{
    [JsonPropertyName("subscriberIdentifier")] public string? SubscriberIdentifier { get; set; }
    [JsonPropertyName("chargingId")] public long? ChargingId { get; set; }
    [JsonPropertyName("nfConsumerIdentification")] public NfIdentification? NfConsumerIdentification { get; set; }
    [JsonPropertyName("invocationTimeStamp")] public DateTimeOffset? InvocationTimeStamp { get; set; }
    [JsonPropertyName("invocationSequenceNumber")] public long? InvocationSequenceNumber { get; set; }
    [JsonPropertyName("retransmissionIndicator")] public bool? RetransmissionIndicator { get; set; }
    [JsonPropertyName("oneTimeEvent")] public bool? OneTimeEvent { get; set; }
    [JsonPropertyName("oneTimeEventType")] public string? OneTimeEventType { get; set; }
    [JsonPropertyName("notifyUri")] public string? NotifyUri { get; set; }
    [JsonPropertyName("multipleUnitUsage")] public IReadOnlyList<MultipleUnitUsage>? MultipleUnitUsage { get; set; }
    [JsonPropertyName("pDUSessionChargingInformation")] public PduSessionChargingInformation? PduSessionChargingInformation { get; set; }
    [JsonPropertyName("iMSChargingInformation")] public ImsChargingInformation? ImsChargingInformation { get; set; }
    [JsonPropertyName("sMSChargingInformation")] public SmsChargingInformation? SmsChargingInformation { get; set; }
}

/// <summary><c>IMSChargingInformation</c>: a call (IMS session); <c>imsChargingIdentifier</c> (ICID) identifies it.</summary>
internal sealed record ImsChargingInformation
{
    [JsonPropertyName("imsChargingIdentifier")] public string? ImsChargingIdentifier { get; set; }
    [JsonPropertyName("userInformation")] public UserInformation? UserInformation { get; set; }
}

/// <summary><c>SMSChargingInformation</c>: a short message.</summary>
internal sealed record SmsChargingInformation
{
    [JsonPropertyName("roamerInOut")] public string? RoamerInOut { get; set; }
    [JsonPropertyName("numberofMessagesSent")] public long? NumberOfMessagesSent { get; set; }
}

/// <summary><c>NFIdentification</c>: who asks (an SMF). <c>nodeFunctionality</c> is mandatory.</summary>
internal sealed record NfIdentification
{
    [JsonPropertyName("nFName")] public string? NfName { get; set; }
    [JsonPropertyName("nFIPv4Address")] public string? NfIpv4Address { get; set; }
    [JsonPropertyName("nFIPv6Address")] public string? NfIpv6Address { get; set; }
    [JsonPropertyName("nFFqdn")] public string? NfFqdn { get; set; }
    [JsonPropertyName("nodeFunctionality")] public string? NodeFunctionality { get; set; }
    [JsonPropertyName("nFPLMNID")] public PlmnId? NfPlmnId { get; set; }
}

/// <summary><c>PlmnId</c>: mobile country and network codes.</summary>
internal sealed record PlmnId
{
    [JsonPropertyName("mcc")] public string? Mcc { get; set; }
    [JsonPropertyName("mnc")] public string? Mnc { get; set; }
}

/// <summary><c>MultipleUnitUsage</c>: one rating group's request for quota and its used units.</summary>
internal sealed record MultipleUnitUsage
{
    [JsonPropertyName("ratingGroup")] public long? RatingGroup { get; set; }
    [JsonPropertyName("requestedUnit")] public Units? RequestedUnit { get; set; }
    [JsonPropertyName("usedUnitContainer")] public IReadOnlyList<UsedUnitContainer>? UsedUnitContainer { get; set; }
}

/// <summary><c>RequestedUnit</c> / <c>GrantedUnit</c>: time in seconds, volumes in octets, service-specific units (events).</summary>
internal sealed record Units
{
    [JsonPropertyName("time")] public long? Time { get; set; }
    [JsonPropertyName("totalVolume")] public long? TotalVolume { get; set; }
    [JsonPropertyName("uplinkVolume")] public long? UplinkVolume { get; set; }
    [JsonPropertyName("downlinkVolume")] public long? DownlinkVolume { get; set; }
    [JsonPropertyName("serviceSpecificUnits")] public long? ServiceSpecificUnits { get; set; }
}

/// <summary><c>UsedUnitContainer</c>: units used since the last report; <c>localSequenceNumber</c> is mandatory.</summary>
internal sealed record UsedUnitContainer
{
    [JsonPropertyName("localSequenceNumber")] public long? LocalSequenceNumber { get; set; }
    [JsonPropertyName("time")] public long? Time { get; set; }
    [JsonPropertyName("totalVolume")] public long? TotalVolume { get; set; }
    [JsonPropertyName("uplinkVolume")] public long? UplinkVolume { get; set; }
    [JsonPropertyName("downlinkVolume")] public long? DownlinkVolume { get; set; }
    [JsonPropertyName("serviceSpecificUnits")] public long? ServiceSpecificUnits { get; set; }
    [JsonPropertyName("quotaManagementIndicator")] public string? QuotaManagementIndicator { get; set; }
}

/// <summary><c>PDUSessionChargingInformation</c>: a data session; the MSISDN arrives as <c>userInformation.servedGPSI</c>.</summary>
internal sealed record PduSessionChargingInformation
{
    [JsonPropertyName("chargingId")] public long? ChargingId { get; set; }
    [JsonPropertyName("userInformation")] public UserInformation? UserInformation { get; set; }
    [JsonPropertyName("pduSessionInformation")] public PduSessionInformation? PduSessionInformation { get; set; }
}

/// <summary><c>UserInformation</c>.</summary>
internal sealed record UserInformation
{
    [JsonPropertyName("servedGPSI")] public string? ServedGpsi { get; set; }
    [JsonPropertyName("roamerInOut")] public string? RoamerInOut { get; set; }
}

/// <summary><c>PDUSessionInformation</c>: where the session is served (the serving PLMN decides the zone).</summary>
internal sealed record PduSessionInformation
{
    [JsonPropertyName("pduSessionID")] public long? PduSessionId { get; set; }
    [JsonPropertyName("servingNetworkFunctionID")] public ServingNetworkFunctionId? ServingNetworkFunctionId { get; set; }
}

/// <summary><c>ServingNetworkFunctionID</c>.</summary>
internal sealed record ServingNetworkFunctionId
{
    [JsonPropertyName("servingNetworkFunctionInformation")] public NfIdentification? ServingNetworkFunctionInformation { get; set; }
}

/// <summary>A <c>ChargingDataResponse</c>.</summary>
internal sealed record ChargingDataResponse
{
    [JsonPropertyName("invocationTimeStamp")] public required DateTimeOffset InvocationTimeStamp { get; set; }
    [JsonPropertyName("invocationSequenceNumber")] public required long InvocationSequenceNumber { get; set; }
    [JsonPropertyName("invocationResult")] public InvocationResult? InvocationResult { get; set; }
    [JsonPropertyName("sessionFailover")] public string? SessionFailover { get; set; }
    [JsonPropertyName("multipleUnitInformation")] public IReadOnlyList<MultipleUnitInformation>? MultipleUnitInformation { get; set; }
}

/// <summary><c>InvocationResult</c>: what the consumer does when it cannot reach the CHF.</summary>
internal sealed record InvocationResult
{
    [JsonPropertyName("failureHandling")] public string? FailureHandling { get; set; }
}

/// <summary><c>MultipleUnitInformation</c>: one rating group's answer.</summary>
internal sealed record MultipleUnitInformation
{
    [JsonPropertyName("resultCode")] public required string ResultCode { get; set; }
    [JsonPropertyName("ratingGroup")] public required long RatingGroup { get; set; }
    [JsonPropertyName("grantedUnit")] public Units? GrantedUnit { get; set; }
    [JsonPropertyName("validityTime")] public long? ValidityTime { get; set; }
    [JsonPropertyName("quotaHoldingTime")] public long? QuotaHoldingTime { get; set; }
    [JsonPropertyName("volumeQuotaThreshold")] public long? VolumeQuotaThreshold { get; set; }
    [JsonPropertyName("timeQuotaThreshold")] public long? TimeQuotaThreshold { get; set; }
    [JsonPropertyName("unitQuotaThreshold")] public long? UnitQuotaThreshold { get; set; }
    [JsonPropertyName("finalUnitIndication")] public FinalUnitIndication? FinalUnitIndication { get; set; }
}

/// <summary><c>FinalUnitIndication</c>: what the network does when the last granted units are used.</summary>
internal sealed record FinalUnitIndication
{
    [JsonPropertyName("finalUnitAction")] public required string FinalUnitAction { get; set; }
}
