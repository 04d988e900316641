using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace Dialtone.Legacy.Tests.Propagation;

/// <summary>Reads one app's <c>Dialtone.Legacy</c> meter (made by its meter factory): gauges as last observed, counters summed.</summary>
internal sealed class LegacyMeterReadings : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly ConcurrentDictionary<string, double> gauges = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, double> counters = new(StringComparer.Ordinal);

    public LegacyMeterReadings(DialtoneApp app)
    {
        var scope = app.Services.GetRequiredService<IMeterFactory>();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Dialtone.Legacy" && ReferenceEquals(instrument.Meter.Scope, scope))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => Record(instrument, value));
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => Record(instrument, value));
        listener.SetMeasurementEventCallback<int>((instrument, value, _, _) => Record(instrument, value));
        listener.Start();
    }

    public double Value(string instrument) => gauges.TryGetValue(instrument, out var gauge) ? gauge : counters.GetValueOrDefault(instrument);

    /// <summary>Observes the gauges again until <paramref name="condition"/> holds (at most 30 s).</summary>
    public async Task WaitForAsync(Func<LegacyMeterReadings, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            listener.RecordObservableInstruments();
            if (condition(this))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "The legacy meter did not reach the expected readings: " + string.Join(", ", gauges.Concat(counters).Select(g => $"{g.Key}={g.Value}")));
            await Task.Delay(100);
        }
    }

    public void Dispose() => listener.Dispose();

    private void Record(Instrument instrument, double value)
    {
        if (instrument is ObservableInstrument<double> or ObservableInstrument<long> or ObservableInstrument<int>)
        {
            gauges[instrument.Name] = value;
        }
        else
        {
            counters.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value);
        }
    }
}
