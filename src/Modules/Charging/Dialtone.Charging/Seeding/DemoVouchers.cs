using Dialtone.Charging.Grains;
using Dialtone.Platform;
using Dialtone.Platform.Persistence;
using Dialtone.Platform.PersonalData;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dialtone.Charging.Seeding;

/// <summary>
/// Demo mode only: vouchers with codes the README lists (<c>DEMO-TOPUP-0001</c> … <c>-0020</c>, 10 EUR each, a year from
/// first start), so a demo prepaid line can be topped up. Issuing is idempotent: a code that exists is left as it is.
/// Real vouchers come from <c>POST /admin/voucherBatches</c> with random codes.
/// </summary>
internal sealed partial class DemoVouchers(
    IGrainFactory grains, PersonalDataProtector protector, TimeProvider clock, IHostApplicationLifetime lifetime, DatabaseReadiness readiness,
    IOptions<DialtoneOptions> options, ILogger<DemoVouchers> logger) : BackgroundService
{
    public const int Count = 20;

    public const decimal Amount = 10m;

    public static string CodeOf(int number) => $"DEMO-TOPUP-{number:D4}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (!options.Value.SeedDemoData || !await readiness.WhenStartedAsync(lifetime, stoppingToken))
            {
                return;
            }

            var terms = new VoucherTerms(Amount, "EUR", clock.GetUtcNow().AddYears(1), "demo");
            var issued = 0;
            for (var number = 1; number <= Count; number++)
            {
                var key = VoucherCodes.KeyOf(protector, VoucherCodes.Normalise(CodeOf(number))!);
                issued += await grains.GetGrain<IVoucherGrain>(key).IssueAsync(terms) ? 1 : 0;
            }

            LogIssued(logger, issued);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Demo data is a convenience: a failure is logged and the node keeps serving.
            LogFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo vouchers: {Count} issued")]
    private static partial void LogIssued(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Issuing the demo vouchers failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
