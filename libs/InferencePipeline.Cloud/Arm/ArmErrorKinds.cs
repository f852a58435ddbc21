namespace InferencePipeline.Cloud.Arm;

/// <summary>Which ARM error codes mean the same thing to the user, whatever resource provider sent them.</summary>
public static class ArmErrorKinds
{
    /// <summary>
    /// Out of quota: Azure ML answers QuotaExceeded or a code naming quota (OutOfQuota, NotEnoughQuota...); the
    /// message of a capacity failure names quota too.
    /// </summary>
    public static bool IsQuota(ArmError error) =>
        error.Code.Contains("Quota", StringComparison.OrdinalIgnoreCase)
        || error.Message.Contains("quota", StringComparison.OrdinalIgnoreCase);
}
