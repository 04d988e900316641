namespace Dialtone.Legacy.Import;

/// <summary>One legacy line (subscription), as translated: MSISDN in E.164, status in TMF637 terms, the legacy plan code as it was.</summary>
internal sealed record MigratedLine(string LegacySubscriptionId, long RowNumber, string Msisdn, string? PlanCode, string Status, DateOnly? ActivatedOn);

/// <summary>One legacy account with its lines.</summary>
internal sealed record MigratedAccount(string LegacyAccountId, string LegacyCustomerId, string State, string? PaymentMethod, int? BillCycleDay, IReadOnlyList<MigratedLine> Lines);

/// <summary>
/// One Dialtone customer made from one or more legacy customer records (duplicates merged, see
/// docs/decisions/0015-legacy-import.md): the surviving record's data, every merged record's id, all their accounts.
/// </summary>
internal sealed record MigratedCustomer(
    string LegacyId,
    IReadOnlyList<string> MergedLegacyIds,
    string GivenName,
    string FamilyName,
    DateOnly? BirthDate,
    string? Email,
    string? Phone,
    NormalisedAddress? Address,
    CustomerStatus Status,
    IReadOnlyList<MigratedAccount> Accounts);

/// <summary>
/// A finding on one export row, for the error report: <c>Rejected</c> (the record or line was not imported) or not (a
/// warning: imported without the field). <c>Value</c> is masked: only what the operator needs to find and fix it.
/// </summary>
internal sealed record ImportIssue(long RowNumber, string LegacyCustomerId, string Field, string Reason, string? Value, bool Rejected);

/// <summary>What the whole export translates to: the customers in the order they are loaded, the findings, the counts.</summary>
internal sealed record TranslatedExport(IReadOnlyList<MigratedCustomer> Customers, IReadOnlyList<ImportIssue> Issues, long RowsRead, int LegacyRecords, int RejectedRecords, int DuplicatesMerged)
{
    public int RejectedRows => Issues.Count(i => i.Rejected);
}

/// <summary>
/// Turns the legacy export into Dialtone's customers: groups the denormalised rows by customer and account, validates and
/// normalises every value (<see cref="LegacyValues"/>), and merges duplicate records by the rule of ADR 0015: the same
/// normalised given name, family name and birth date are one person; the newest record (latest <c>CREATED_ON</c>, then
/// the highest id) wins, the others' ids are kept as external references and their accounts move to the survivor.
/// Pure: no I/O beyond the reader, so the same export always gives the same customers in the same order (which is what
/// makes a checkpoint, a batch number, meaningful after a restart).
/// </summary>
internal static class LegacyCustomerTranslator
{
    private const int CustomerId = 0, CustomerStatusColumn = 2, FirstName = 3, LastName = 4, BirthDate = 5, Email = 6, Phone = 7, Address = 8, CreatedOn = 9,
        AccountId = 10, AccountStatus = 11, BillCycleDay = 12, PaymentMethod = 13, SubscriptionId = 15, Msisdn = 16, PlanCode = 17, SubscriptionStatus = 18, ActivatedOn = 19;

    public static TranslatedExport Translate(TextReader export)
    {
        var reader = new LegacyExportReader(export);
        reader.ReadHeader();
        var issues = new List<ImportIssue>();
        var records = new List<(MigratedCustomer Customer, string? CreatedOn)>();
        var msisdnOwners = new Dictionary<string, string>(StringComparer.Ordinal);
        long rows = 0;
        var legacyRecords = 0;
        var rejectedRecords = 0;

        foreach (var group in GroupByCustomer(reader.ReadRows()))
        {
            rows += group.Count;
            legacyRecords++;
            var translated = TranslateCustomer(group, issues, msisdnOwners);
            if (translated is null)
            {
                rejectedRecords++;
            }
            else
            {
                records.Add((translated, group[0][CreatedOn]));
            }
        }

        var (customers, merged) = MergeDuplicates(records);
        return new TranslatedExport(customers, issues, rows, legacyRecords, rejectedRecords, merged);
    }

    private static IEnumerable<List<LegacyExportRow>> GroupByCustomer(IEnumerable<LegacyExportRow> rows)
    {
        List<LegacyExportRow>? current = null;
        foreach (var row in rows)
        {
            if (current is not null && current[0][CustomerId] != row[CustomerId])
            {
                yield return current;
                current = null;
            }

            (current ??= []).Add(row);
        }

        if (current is not null)
        {
            yield return current;
        }
    }

    private static MigratedCustomer? TranslateCustomer(List<LegacyExportRow> rows, List<ImportIssue> issues, Dictionary<string, string> msisdnOwners)
    {
        var first = rows[0];
        var id = first[CustomerId]?.Trim();
        if (string.IsNullOrEmpty(id))
        {
            issues.Add(new ImportIssue(first.RowNumber, "", "CUSTOMER_ID", "missing customer id", null, Rejected: true));
            return null;
        }

        var status = LegacyValues.CustomerStatusOf(first[CustomerStatusColumn]);
        if (status is null)
        {
            issues.Add(new ImportIssue(first.RowNumber, id, "CUSTOMER_STATUS", "unknown customer status code", first[CustomerStatusColumn], Rejected: true));
            return null;
        }

        if (status == CustomerStatus.Erased)
        {
            issues.Add(new ImportIssue(first.RowNumber, id, "CUSTOMER_STATUS", "erased in legacy (X): personal data is gone, nothing to import", "X", Rejected: true));
            return null;
        }

        var given = LegacyValues.Name(first[FirstName]);
        var family = LegacyValues.Name(first[LastName]);
        if (given is null || family is null || given.Length > 100 || family.Length > 100)
        {
            issues.Add(new ImportIssue(first.RowNumber, id, given is null ? "FIRST_NAME" : "LAST_NAME", "name missing or longer than 100 characters", null, Rejected: true));
            return null;
        }

        var birthDate = LegacyValues.Date(first[BirthDate]);
        if (birthDate is null && !string.IsNullOrWhiteSpace(first[BirthDate]))
        {
            issues.Add(new ImportIssue(first.RowNumber, id, "BIRTH_DATE", "not a date (yyyy-MM-dd): imported without birth date", null, Rejected: false));
        }

        var email = LegacyValues.Email(first[Email]);
        if (email.Invalid)
        {
            issues.Add(new ImportIssue(first.RowNumber, id, "EMAIL", "not an email address (local@domain.tld): imported without email", LegacyValues.MaskEmail(first[Email]), Rejected: false));
        }

        var phone = LegacyValues.E164(first[Phone]);
        if (phone is null && !string.IsNullOrWhiteSpace(first[Phone]))
        {
            issues.Add(new ImportIssue(first.RowNumber, id, "PHONE", "not a phone number: imported without contact phone", LegacyValues.MaskPhone(first[Phone]), Rejected: false));
        }

        var accounts = new List<MigratedAccount>();
        foreach (var accountRows in rows.Where(r => r[AccountId] is not null).GroupBy(r => r[AccountId]!))
        {
            var accountRow = accountRows.First();
            var state = LegacyValues.AccountStateOf(accountRow[AccountStatus]);
            if (state is null)
            {
                issues.Add(new ImportIssue(accountRow.RowNumber, id, "ACCOUNT_STATUS", $"account {accountRows.Key}: unknown account status code", accountRow[AccountStatus], Rejected: true));
                continue;
            }

            var lines = new List<MigratedLine>();
            foreach (var row in accountRows.Where(r => r[SubscriptionId] is not null))
            {
                var line = TranslateLine(row, id, issues, msisdnOwners);
                if (line is not null)
                {
                    lines.Add(line);
                }
            }

            var cycle = int.TryParse(accountRow[BillCycleDay], out var day) && day is >= 1 and <= 28 ? day : (int?)null;
            accounts.Add(new MigratedAccount(accountRows.Key, id, state, LegacyValues.PaymentMethodOf(accountRow[PaymentMethod]), cycle, lines));
        }

        return new MigratedCustomer(id, [id], given, family, birthDate, email.Email, phone, LegacyValues.Address(first[Address]), status.Value, accounts);
    }

    private static MigratedLine? TranslateLine(LegacyExportRow row, string customerId, List<ImportIssue> issues, Dictionary<string, string> msisdnOwners)
    {
        var subscription = row[SubscriptionId]!;
        var status = LegacyValues.LineStatusOf(row[SubscriptionStatus]);
        if (status is null)
        {
            issues.Add(new ImportIssue(row.RowNumber, customerId, "SUBSCRIPTION_STATUS", $"subscription {subscription}: unknown status code", row[SubscriptionStatus], Rejected: true));
            return null;
        }

        var msisdn = LegacyValues.E164(row[Msisdn]);
        if (msisdn is null || !LegacyValues.IsGermanMobile(msisdn))
        {
            issues.Add(new ImportIssue(row.RowNumber, customerId, "MSISDN", $"subscription {subscription}: not a German mobile number", LegacyValues.MaskPhone(row[Msisdn]), Rejected: true));
            return null;
        }

        if (status != "terminated")
        {
            if (msisdnOwners.TryGetValue(msisdn, out var owner))
            {
                issues.Add(new ImportIssue(row.RowNumber, customerId, "MSISDN", $"subscription {subscription}: the number is already on live subscription {owner}", LegacyValues.MaskPhone(row[Msisdn]), Rejected: true));
                return null;
            }

            msisdnOwners[msisdn] = subscription;
        }

        return new MigratedLine(subscription, row.RowNumber, msisdn, row[PlanCode]?.Trim(), status, LegacyValues.Date(row[ActivatedOn]));
    }

    private static (List<MigratedCustomer> Customers, int Merged) MergeDuplicates(List<(MigratedCustomer Customer, string? CreatedOn)> records)
    {
        var merged = 0;
        var customers = new List<MigratedCustomer>(records.Count);
        foreach (var group in records.GroupBy(r => r.Customer.BirthDate is { } birth
                     ? $"{LegacyValues.NameKey(r.Customer.GivenName)}|{LegacyValues.NameKey(r.Customer.FamilyName)}|{birth:yyyy-MM-dd}"
                     : "#" + r.Customer.LegacyId))
        {
            if (group.Count() == 1)
            {
                customers.Add(group.First().Customer);
                continue;
            }

            var newestFirst = group
                .OrderByDescending(r => r.CreatedOn ?? "", StringComparer.Ordinal)
                .ThenByDescending(r => r.Customer.LegacyId, StringComparer.Ordinal)
                .Select(r => r.Customer)
                .ToList();
            var survivor = newestFirst[0];
            merged += newestFirst.Count - 1;
            customers.Add(survivor with
            {
                MergedLegacyIds = [.. newestFirst.Select(c => c.LegacyId).Order(StringComparer.Ordinal)],
                Email = survivor.Email ?? newestFirst.Select(c => c.Email).FirstOrDefault(e => e is not null),
                Phone = survivor.Phone ?? newestFirst.Select(c => c.Phone).FirstOrDefault(p => p is not null),
                Address = survivor.Address ?? newestFirst.Select(c => c.Address).FirstOrDefault(a => a is not null),
                Accounts = [.. newestFirst.SelectMany(c => c.Accounts).OrderBy(a => a.LegacyAccountId, StringComparer.Ordinal)],
            });
        }

        customers.Sort((a, b) => string.CompareOrdinal(a.LegacyId, b.LegacyId));
        return (customers, merged);
    }
}
