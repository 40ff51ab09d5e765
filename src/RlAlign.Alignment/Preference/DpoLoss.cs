using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace RlAlign.Alignment.Preference;

/// <summary>The DPO-family losses, named as TRL's <c>DPOConfig.loss_type</c>.</summary>
public enum DpoLossType
{
    /// <summary>DPO (Rafailov et al. 2023), -log σ(βh); with label smoothing ε it is conservative DPO (cDPO).</summary>
    Sigmoid,
    /// <summary>SLiC-style hinge, relu(1 - βh).</summary>
    Hinge,
    /// <summary>IPO (Azar et al. 2023), (h - 1/(2β))²; β plays the role of IPO's τ.</summary>
    Ipo,
    /// <summary>Robust DPO (Chowdhury et al. 2024), unbiased under preference-flip rate ε.</summary>
    Robust,
    /// <summary>SPPO with hard (0/1) preference labels, (h_w - 1/(2β))² + (h_l + 1/(2β))².</summary>
    SppoHard,
}

/// <summary>DPO-family hyper-parameters; the defaults are TRL's (β = 0.1, sigmoid, no label smoothing).</summary>
public sealed record DpoLossOptions(double Beta = 0.1, DpoLossType LossType = DpoLossType.Sigmoid, double LabelSmoothing = 0.0)
{
    /// <summary>Throws an <see cref="ArgumentException"/> naming the first field that is out of range.</summary>
    public void Validate()
    {
        if (!(Beta > 0) || double.IsInfinity(Beta))
            throw new ArgumentException($"DpoLossOptions.Beta must be a finite number > 0; got {Beta}.");
        double maxSmoothing = LossType == DpoLossType.Robust ? 0.5 : 1.0;
        if (!(LabelSmoothing >= 0) || !(LabelSmoothing < maxSmoothing) && !(LossType == DpoLossType.Sigmoid && LabelSmoothing == 1.0))
            throw new ArgumentException(
                $"DpoLossOptions.LabelSmoothing must lie in [0, {(LossType == DpoLossType.Robust ? "0.5)" : "1]")} for loss type {LossType}; got {LabelSmoothing}.");
        // Hinge, IPO and SPPO have no smoothed form; accepting ε there would silently train something else than asked.
        if (LabelSmoothing != 0 && LossType is not (DpoLossType.Sigmoid or DpoLossType.Robust))
            throw new ArgumentException($"DpoLossOptions.LabelSmoothing applies only to the Sigmoid and Robust losses; got {LabelSmoothing} with {LossType}.");
    }
}

/// <summary>
/// Per-example DPO-family losses and TRL's reward metrics, all shape [batch]. The rewards are detached:
/// rewards/chosen = β(logπ(y_w) - logπ_ref(y_w)), rewards/rejected likewise for y_l, rewards/margins their difference and
/// rewards/accuracies 1 where the chosen reward is strictly larger. The caller owns (disposes) the tensors.
/// </summary>
public sealed record DpoLossOutput(Tensor Losses, Tensor ChosenRewards, Tensor RejectedRewards, Tensor RewardMargins, Tensor RewardAccuracies)
    : IDisposable
{
    public void Dispose()
    {
        Losses.Dispose();
        ChosenRewards.Dispose();
        RejectedRewards.Dispose();
        RewardMargins.Dispose();
        RewardAccuracies.Dispose();
    }
}

/// <summary>
/// The DPO-family losses on sequence log-probabilities (spec ALGORITHMS.md §7.1, TRL <c>DPOTrainer.dpo_loss</c>). Inputs are
/// [batch] sums of completion-token log-probabilities (<c>SequenceLogProbs.Sum</c>); for IPO TRL passes per-token
/// averages instead (each sum divided by its completion length), which is the caller's choice here.
/// </summary>
public static class DpoLoss
{
    public static DpoLossOutput Compute(
        Tensor policyChosenLogps, Tensor policyRejectedLogps, Tensor referenceChosenLogps, Tensor referenceRejectedLogps,
        DpoLossOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        RequireSameBatchShape(policyChosenLogps, policyRejectedLogps, referenceChosenLogps, referenceRejectedLogps);

        using var scope = NewDisposeScope();
        double beta = options.Beta;
        double epsilon = options.LabelSmoothing;
        Tensor chosenLogRatio = policyChosenLogps - referenceChosenLogps;
        Tensor rejectedLogRatio = policyRejectedLogps - referenceRejectedLogps;
        Tensor h = chosenLogRatio - rejectedLogRatio;

        Tensor losses = options.LossType switch
        {
            DpoLossType.Sigmoid => -logsigmoid(beta * h) * (1 - epsilon) - logsigmoid(-beta * h) * epsilon,
            DpoLossType.Robust => (-logsigmoid(beta * h) * (1 - epsilon) + logsigmoid(-beta * h) * epsilon) / (1 - 2 * epsilon),
            DpoLossType.Hinge => relu(1 - beta * h),
            DpoLossType.Ipo => (h - 1 / (2 * beta)).square(),
            DpoLossType.SppoHard => (chosenLogRatio - 0.5 / beta).square() + (rejectedLogRatio + 0.5 / beta).square(),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.LossType, "Unknown DPO loss type."),
        };

        Tensor chosenRewards = beta * chosenLogRatio.detach();
        Tensor rejectedRewards = beta * rejectedLogRatio.detach();
        Tensor margins = chosenRewards - rejectedRewards;
        Tensor accuracies = chosenRewards.gt(rejectedRewards).to(chosenRewards.dtype);
        return new DpoLossOutput(
            scope.MoveToOuter(losses), scope.MoveToOuter(chosenRewards), scope.MoveToOuter(rejectedRewards),
            scope.MoveToOuter(margins), scope.MoveToOuter(accuracies));
    }

    private static void RequireSameBatchShape(params Tensor[] logps)
    {
        string[] names = ["policyChosenLogps", "policyRejectedLogps", "referenceChosenLogps", "referenceRejectedLogps"];
        for (int i = 0; i < logps.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(logps[i], names[i]);
            if (logps[i].dim() != 1 || logps[i].shape[0] != logps[0].shape[0])
                throw new ArgumentException(
                    $"DPO log-probabilities must all be [batch] tensors of one length; {names[i]} is [{string.Join(", ", logps[i].shape)}], " +
                    $"{names[0]} is [{string.Join(", ", logps[0].shape)}].", names[i]);
        }
    }
}
