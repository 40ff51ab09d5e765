using TorchSharp;
using static TorchSharp.torch;

namespace RlAlign.Policies.Language;

/// <summary>
/// log softmax(hidden · Wᵀ)[target] per row, as one autograd function whose backward reuses the forward's logits buffer in
/// place: dL/dlogits = g·(onehot(target) − softmax) is written over the saved logits, then gives dL/dhidden = dlogits·W and
/// dL/dW = dlogitsᵀ·hidden. Autograd's own graph for <c>gather − logsumexp</c> allocates and sweeps several more
/// [rows × vocabulary] tensors (the exponentials, a zero-filled scatter target, their sum), which at GPT-2's 50k-token
/// vocabulary cost more than the matrix products. Values and gradients equal the composed operations (test).
/// The backward may run once per forward (the saved logits are overwritten).
/// </summary>
internal sealed class FusedHeadLogProbs : autograd.SingleTensorFunction<FusedHeadLogProbs>
{
    public override string Name => nameof(FusedHeadLogProbs);

    /// <summary>Log-probabilities [rows] of <paramref name="targets"/> (int64 [rows]) under the head <paramref name="weight"/> ([vocabulary, width]) applied to <paramref name="hidden"/> ([rows, width]); <paramref name="extras"/> receives each row's argmax token when it asks for it.</summary>
    public static Tensor Compute(Tensor hidden, Tensor weight, Tensor targets, HeadExtras extras) => apply(hidden, weight, targets, extras);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var (hidden, weight, targets, extras) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2], (HeadExtras)vars[3]);
        Tensor logits = MatmulPrecision.MatMul(hidden, weight.t(), extras.Bf16);
        Tensor logSumExp = logits.logsumexp(1, keepdim: true);
        Tensor logProbs = logits.gather(1, targets.unsqueeze(1)).sub_(logSumExp).squeeze(1);
        if (extras.WantArgmax) extras.Argmax = logits.argmax(1);
        ctx.save_for_backward([hidden, weight, targets, logits, logSumExp]);
        ctx.save_data("extras", extras);
        return logProbs;
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradient)
    {
        List<Tensor> saved = ctx.get_saved_variables();
        Tensor hidden = saved[0], weight = saved[1], targets = saved[2], logits = saved[3], logSumExp = saved[4];
        Tensor g = gradient.unsqueeze(1);
        // Over the saved logits: softmax, times −g, plus g at each row's target.
        Tensor gradLogits = logits.sub_(logSumExp).exp_().mul_(g.neg()).scatter_add_(1, targets.unsqueeze(1), g);
        bool bf16 = ((HeadExtras)ctx.get_data("extras")).Bf16;
        return [MatmulPrecision.MatMul(gradLogits, weight, bf16), MatmulPrecision.MatMul(gradLogits.t(), hidden, bf16), null!, null!];
    }
}

/// <summary>What <see cref="FusedHeadLogProbs"/> can also compute from the logits it never returns (a sweep over them, so only on request).</summary>
internal sealed class HeadExtras
{
    public bool WantArgmax { get; init; }

    /// <summary>Run the head's matrix products in bfloat16 (<see cref="Gpt2LMHeadModel.Bf16Matmuls"/>).</summary>
    public bool Bf16 { get; init; }

    public Tensor? Argmax { get; set; }
}
