using Dialtone.Platform.Persistence;

namespace Dialtone.Customers.Tests.SignUp;

/// <summary>Demo subscribers sign up only after the reference data (catalog, roles, clients) is loaded, whatever the order the seeders start in.</summary>
public sealed class DemoDataOrder
{
    [Fact]
    public async Task CustomerDataWaitsForEveryReferenceDataSeederToFinishEvenOneThatFailed()
    {
        var readiness = new DatabaseReadiness();
        var catalogDone = readiness.RegisterReferenceDataSeeder();
        var identityDone = readiness.RegisterReferenceDataSeeder();
        var subscribers = readiness.WhenReferenceDataLoadedAsync(CancellationToken.None);

        catalogDone();
        catalogDone(); // a second call counts once
        Assert.False(subscribers.IsCompleted);
        identityDone(); // done, failed or skipped: the same
        await subscribers.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(new DatabaseReadiness().WhenReferenceDataLoadedAsync(CancellationToken.None).IsCompletedSuccessfully);
    }
}
