namespace Dialtone.Charging;

/// <summary>Real-time charging (issue 5): Nchf_ConvergedCharging v3 on one Orleans grain per charging account.</summary>
public static class ChargingModule;
