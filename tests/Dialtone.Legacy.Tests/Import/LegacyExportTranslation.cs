using Dialtone.Legacy.Import;

namespace Dialtone.Legacy.Tests.Import;

public sealed class LegacyExportTranslation
{
    private const string Header = "CUSTOMER_ID,CUSTOMER_VERSION,CUSTOMER_STATUS,FIRST_NAME,LAST_NAME,BIRTH_DATE,EMAIL,PHONE,ADDRESS,CREATED_ON,ACCOUNT_ID,ACCOUNT_STATUS,BILL_CYCLE_DAY,PAYMENT_METHOD,OPENED_ON,SUBSCRIPTION_ID,MSISDN,PLAN_CODE,SUBSCRIPTION_STATUS,ACTIVATED_ON\r\n";

    private static TranslatedExport Translate(params string[] rows) =>
        LegacyCustomerTranslator.Translate(new StringReader(Header + string.Concat(rows.Select(r => r + "\r\n"))));

    [Fact]
    public void GroupsRowsIntoCustomersAccountsAndLines()
    {
        var export = Translate(
            "C00000001,1,A,Anna,Schmidt,1980-02-03,Anna@Example.com,0170 1234567,\"Hauptstraße 12\n10115 Berlin\",2010-01-01,A00000001,OPN,5,DD,2010-01-01,S00000001,0170 1234567,PLN-S10,10,2010-01-02",
            "C00000001,1,A,Anna,Schmidt,1980-02-03,Anna@Example.com,0170 1234567,\"Hauptstraße 12\n10115 Berlin\",2010-01-01,A00000001,OPN,5,DD,2010-01-01,S00000002,+49 151 12345678,PLN-M25,20,2010-01-02",
            "C00000002,1,ACT,Bernd,Weber,,,,,2011-01-01,A00000002,CLS,1,INV,2011-01-01,,,,,");

        Assert.Equal(3, export.RowsRead);
        Assert.Equal(2, export.Customers.Count);
        var anna = export.Customers[0];
        Assert.Equal(("anna@example.com", "+491701234567", "10115"), (anna.Email, anna.Phone, anna.Address!.PostCode));
        Assert.Equal(["+491701234567", "+4915112345678"], anna.Accounts.Single().Lines.Select(l => l.Msisdn));
        Assert.Equal(["active", "suspended"], anna.Accounts.Single().Lines.Select(l => l.Status));
        Assert.Empty(export.Customers[1].Accounts.Single().Lines);
        Assert.Empty(export.Issues);
    }

    [Fact]
    public void MergesDuplicatesIntoTheNewestRecordAndKeepsEveryLegacyId()
    {
        var export = Translate(
            "C00000001,1,A,Anna,Schmidt,1980-02-03,anna@example.com,,,2010-01-01,A00000001,OPN,5,DD,2010-01-01,,,,,",
            "C00000002,1,A,Bernd,Weber,1970-01-01,,,,2011-01-01,A00000002,OPN,1,INV,2011-01-01,,,,,",
            "C00000003,1,A, ANNA ,\"schmidt  \",1980-02-03,,0170 1234567,,2015-06-01,A00000003,OPN,5,DD,2015-06-01,,,,,");

        Assert.Equal(1, export.DuplicatesMerged);
        var anna = Assert.Single(export.Customers, c => c.MergedLegacyIds.Count == 2);
        Assert.Equal("C00000003", anna.LegacyId);
        Assert.Equal(["C00000001", "C00000003"], anna.MergedLegacyIds);
        Assert.Equal("Anna", anna.GivenName);
        Assert.Equal("anna@example.com", anna.Email);
        Assert.Equal(["A00000001", "A00000003"], anna.Accounts.Select(a => a.LegacyAccountId));
    }

    [Fact]
    public void RejectsWhatCannotBeImportedAndWarnsOfWhatIsLeftOut()
    {
        var export = Translate(
            "C00000001,1,X,*****,*****,,,,,2010-01-01,A00000001,OPN,5,DD,2010-01-01,,,,,",
            "C00000002,1,A,Bernd,Weber,1970-01-01,bernd.example.com,,,2011-01-01,A00000002,OPN,1,INV,2011-01-01,S00000001,0170 12,PLN-S10,10,2011-01-01",
            "C00000003,1,Q,Carla,Roth,1970-01-01,,,,2011-01-01,A00000003,OPN,1,INV,2011-01-01,,,,,",
            "C00000004,1,A,,Roth,1970-01-01,,,,2011-01-01,A00000004,OPN,1,INV,2011-01-01,,,,,");

        Assert.Equal(["C00000002"], export.Customers.Select(c => c.LegacyId));
        Assert.Equal(3, export.RejectedRecords);
        Assert.Collection(export.Issues,
            i => Assert.Equal((1L, "C00000001", "CUSTOMER_STATUS", true), (i.RowNumber, i.LegacyCustomerId, i.Field, i.Rejected)),
            i => Assert.Equal((2L, "EMAIL", false, "b*** (no valid domain)"), (i.RowNumber, i.Field, i.Rejected, i.Value)),
            i => Assert.Equal((2L, "MSISDN", true, "…12 (6 digits)"), (i.RowNumber, i.Field, i.Rejected, i.Value)),
            i => Assert.Equal((3L, "CUSTOMER_STATUS", true), (i.RowNumber, i.Field, i.Rejected)),
            i => Assert.Equal((4L, "FIRST_NAME", true), (i.RowNumber, i.Field, i.Rejected)));
    }

    [Fact]
    public void RefusesAFileThatIsNotTheExport() =>
        Assert.Throws<InvalidDataException>(() => LegacyCustomerTranslator.Translate(new StringReader("A,B,C\r\n1,2,3\r\n")));

    [Fact]
    public void KeepsNullApartFromTheEmptyString()
    {
        var rows = new LegacyExportReader(new StringReader("a,\"\",,\" x \"\r\n")).ReadRows().ToList();
        Assert.Equal([ "a", "", null, " x " ], rows.Single().Fields);
    }
}
