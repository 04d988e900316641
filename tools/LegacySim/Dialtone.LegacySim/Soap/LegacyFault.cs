namespace Dialtone.LegacySim.Soap;

/// <summary>
/// A refusal in the legacy system's own terms: a SOAP 1.1 fault code (<c>Client</c>: the request is wrong, do not
/// resend it as it is; <c>Server</c>: the system could not do it now, a retry may work) and a legacy error code and name,
/// e.g. <c>E1041 VERSION_CONFLICT</c>. The README lists every code.
/// </summary>
internal sealed class LegacyFault(bool clientFault, string code, string name, string message, long? currentVersion = null) : Exception(message)
{
    public bool ClientFault { get; } = clientFault;

    public string Code { get; } = code;

    public string Name { get; } = name;

    /// <summary>The record's version now, on a version conflict, so the caller can read it again and decide.</summary>
    public long? CurrentVersion { get; } = currentVersion;

    public static LegacyFault Malformed(string message) => new(true, "E1001", "MALFORMED_REQUEST", message);

    public static LegacyFault UnknownOperation(string operation) => new(true, "E1002", "UNKNOWN_OPERATION", $"There is no operation {operation}.");

    public static LegacyFault InvalidField(string field, string why) => new(true, "E1003", "INVALID_FIELD", $"{field}: {why}.");

    public static LegacyFault TooLarge(int limit) => new(true, "E1004", "REQUEST_TOO_LARGE", $"Requests are limited to {limit} bytes.");

    public static LegacyFault CallerRequired() =>
        new(true, "E1005", "CALLER_REQUIRED", "Updates need a Caller header with System and User, for the audit trail.");

    public static LegacyFault InvalidCursor() => new(true, "E1006", "INVALID_CURSOR", "The cursor is not one this system gave out.");

    public static LegacyFault NotFound(string entity) => new(true, "E1010", "RECORD_NOT_FOUND", $"No {entity} with that id.");

    public static LegacyFault VersionConflict(long current) =>
        new(true, "E1041", "VERSION_CONFLICT", "The record was changed since the version given; read it again.", current);

    public static LegacyFault Locked() => new(false, "E1042", "RECORD_LOCKED", "The record is locked by another process; try again later.");

    public static LegacyFault Erased() => new(true, "E1043", "RECORD_ERASED", "The customer was erased; the record can no longer change.");

    public static LegacyFault UnknownPlan() => new(true, "E2010", "UNKNOWN_PLAN_CODE", "The plan code is not in the tariff table.");

    public static LegacyFault InvalidStatus() => new(true, "E2011", "INVALID_STATUS_CODE", "The status code is not in the code table.");

    public static LegacyFault NotLive() => new(true, "E2012", "SUBSCRIPTION_NOT_ACTIVE", "The subscription is cancelled or ported out.");

    public static LegacyFault Busy() => new(false, "E9001", "SYSTEM_BUSY", "The system is busy; try again later.");

    public static LegacyFault Internal() => new(false, "E9999", "INTERNAL_ERROR", "The system could not process the request.");
}
