using RlAlign.Algorithms;
using RlAlign.Alignment.Tasks;
using RlAlign.Alignment.Training;
using RlAlign.Policies.Language;
using TorchSharp;

namespace RlAlign.Alignment.Pipeline;

/// <summary>What a task-alignment run does after supervised fine-tuning.</summary>
public enum AlignmentAlgorithm
{
    /// <summary>Supervised fine-tuning on the task's demonstrations only.</summary>
    Sft,
    /// <summary>SFT, then iterative (online) DPO: APO with α = 0.</summary>
    Dpo,
    /// <summary>SFT, then APO with the configured α.</summary>
    Apo,
}

/// <summary>
/// The offline alignment pipeline on a built-in task (<see cref="AlignmentTasks"/>): a small GPT-2 is trained by SFT on
/// the task's (imperfect) demonstrations, then by rounds of preference optimisation on pairs sampled from itself and
/// labelled by the task's Bradley–Terry oracle, and evaluated after SFT and after every round by the oracle reward, the
/// win rate against the SFT model and the KL to it. Settings map to snake_case YAML keys; <see cref="Sft"/> and
/// <see cref="Preference"/> are the nested <c>sft:</c> and <c>preference:</c> blocks (the latter with its own <c>dpo:</c>).
/// </summary>
public sealed record TaskAlignmentConfig
{
    public string Task { get; init; } = ArithmeticTask.TaskName;

    /// <summary>Seeds the model's initialisation, the demonstrations, SFT's data order and the preference rounds.</summary>
    public int Seed { get; init; } = 1;

    public int NLayer { get; init; } = 2;

    public int NEmbd { get; init; } = 64;

    public int NHead { get; init; } = 4;

    /// <summary>SFT examples drawn from the task's demonstrations.</summary>
    public int Demonstrations { get; init; } = 4000;

    /// <summary>Held-out prompts scored after SFT and after each round.</summary>
    public int EvalPrompts { get; init; } = 500;

    /// <summary>The evaluation prompts' seed, the same for every run so that runs with different seeds are compared on the same prompts.</summary>
    public int EvalSeed { get; init; } = 1_000_003;

    /// <summary>Bradley–Terry temperature of the oracle: P(a ≻ b) = σ((r_a − r_b) / T); 0 prefers the higher reward always.</summary>
    public double OracleTemperature { get; init; } = 0.1;

    /// <summary>libtorch's intra-op threads (as PPO's torch_threads): 1 is fastest for models this small and on shared machines.</summary>
    public int TorchThreads { get; init; } = 1;

    public SftTrainingConfig Sft { get; init; } = new();

    public ApoConfig Preference { get; init; } = new();

    public void Validate()
    {
        _ = AlignmentTasks.Get(Task);
        if (NLayer < 1 || NEmbd < 1 || NHead < 1) throw new ArgumentException($"n_layer, n_embd and n_head must be >= 1, got {NLayer}, {NEmbd}, {NHead}.");
        if (NEmbd % NHead != 0) throw new ArgumentException($"n_embd ({NEmbd}) must be a multiple of n_head ({NHead}).");
        if (Demonstrations < 1) throw new ArgumentException($"demonstrations must be >= 1, got {Demonstrations}.");
        if (TorchThreads < 1) throw new ArgumentException($"torch_threads must be >= 1, got {TorchThreads}.");
        if (EvalPrompts < 1) throw new ArgumentException($"eval_prompts must be >= 1, got {EvalPrompts}.");
        if (!(OracleTemperature >= 0) || double.IsInfinity(OracleTemperature)) throw new ArgumentException($"oracle_temperature must be a finite number >= 0, got {OracleTemperature}.");
        Sft.Validate();
        Preference.Validate();
    }
}

/// <summary>The evaluation after SFT (round 0) or after a preference round.</summary>
/// <param name="WinRateVsSft">Share of evaluation prompts where the model's sample beats the SFT model's (ties 0.5).</param>
/// <param name="KlToSft">k1 estimate of KL(model ‖ SFT model) on the model's own samples (spec §0.3).</param>
public sealed record AlignmentEvaluation(int Round, double MeanReward, double RewardStandardError, double FullyCorrectRate, double WinRateVsSft, double KlToSft);

public static class TaskAlignment
{
    public const string MeanRewardMetric = "eval/oracle_reward";
    public const string WinRateMetric = "eval/win_rate_vs_sft";
    public const string KlMetric = "eval/kl_to_sft";
    public const string FullyCorrectMetric = "eval/fully_correct";

    /// <summary>
    /// Runs the pipeline and returns the trained model (the caller disposes it) with the evaluation after SFT and after
    /// each preference round. Metrics go to <paramref name="metrics"/>: SFT's under <c>sft/</c>, the rounds' DPO
    /// metrics under TRL's names (steps counted across rounds), and the evaluations at step = round under <c>eval/</c>.
    /// </summary>
    /// <param name="sftFolder">Where to save the SFT model (a Hugging Face folder with the task's tokenizer), or null.</param>
    public static (Gpt2LMHeadModel Model, IReadOnlyList<AlignmentEvaluation> Evaluations) Run(
        TaskAlignmentConfig config, AlignmentAlgorithm algorithm, IMetricsSink? metrics, Action<string>? progress,
        string? sftFolder = null, CancellationToken cancellationToken = default)
    {
        config.Validate();
        torch.set_num_threads(config.TorchThreads);
        var task = (SyntheticTask)AlignmentTasks.Get(config.Task);
        ulong seed = unchecked((ulong)config.Seed);
        Gpt2Config modelConfig = TaskModels.TinyGpt2Config(task, config.NLayer, config.NEmbd, config.NHead);
        var model = Gpt2LMHeadModel.Create(modelConfig, new torch.Generator(seed));
        try
        {
            var evaluations = new List<AlignmentEvaluation>();
            progress?.Invoke($"SFT: {config.Demonstrations:N0} demonstrations of '{task.Name}', model {config.NLayer} layers × {config.NEmbd} ({CountParameters(model):N0} parameters)");
            using (var sft = new SftTrainer(model, task.Tokenizer, task.Demonstrations(config.Demonstrations, seed), config.Sft with { Seed = config.Seed },
                       metrics: metrics is null ? null : new PrefixedSink(metrics, "sft/")))
            {
                TrainingResult result = sft.Train(cancellationToken: cancellationToken);
                progress?.Invoke($"SFT done: {result.GlobalStep} steps, loss {result.LastMetrics.GetValueOrDefault(TrainerMetricNames.Loss):F4}");
            }
            if (sftFolder is not null)
            {
                model.SavePretrained(sftFolder);
                if (task.Tokenizer is Tokenization.CharacterTokenizer characters) characters.Save(sftFolder);
            }
            cancellationToken.ThrowIfCancellationRequested();

            using Gpt2LMHeadModel sftModel = Trainer.FrozenCopy(model);
            IReadOnlyList<string> evalPrompts = task.Prompts(config.EvalPrompts, unchecked((ulong)config.EvalSeed));
            AlignmentEvaluation Evaluate(int round)
            {
                TaskEvaluationResult result = TaskEvaluation.Evaluate(model, sftModel, sftModel, task, evalPrompts, null, unchecked((ulong)config.EvalSeed));
                var evaluation = new AlignmentEvaluation(round, result.MeanReward, result.RewardStandardError, result.FullyCorrectRate, result.WinRate!.Value, result.KlToReference!.Value);
                metrics?.Add(MeanRewardMetric, evaluation.MeanReward, round);
                metrics?.Add(WinRateMetric, evaluation.WinRateVsSft, round);
                metrics?.Add(KlMetric, evaluation.KlToSft, round);
                metrics?.Add(FullyCorrectMetric, evaluation.FullyCorrectRate, round);
                evaluations.Add(evaluation);
                progress?.Invoke($"round {round}: oracle reward {evaluation.MeanReward:F3} ± {evaluation.RewardStandardError:F3}, fully correct {evaluation.FullyCorrectRate:P1}, "
                    + $"win rate vs SFT {evaluation.WinRateVsSft:P1}, KL to SFT {evaluation.KlToSft:F3}");
                return evaluation;
            }
            Evaluate(0);
            if (algorithm == AlignmentAlgorithm.Sft) return (model, evaluations);

            ApoConfig preference = config.Preference with
            {
                Alpha = algorithm == AlignmentAlgorithm.Dpo ? 0 : config.Preference.Alpha,
                // Samples longer than the task's answers only waste the context the model was sized for.
                MaxNewTokens = Math.Min(config.Preference.MaxNewTokens, task.MaxCompletionTokens),
                Seed = config.Seed,
                Dpo = config.Preference.Dpo with { Seed = config.Seed },
            };
            var oracle = new BradleyTerryRewardOracle(task, config.OracleTemperature);
            // Training prompts come from a stream of their own, apart from the demonstrations' and the evaluation's.
            var prompts = ApoTrainer.TaskPrompts(task, preference.PromptsPerRound, SeedStreams.Derive(seed, SeedStreams.PreferencePrompts));
            using var apo = new ApoTrainer(model, task.Tokenizer, oracle, prompts, preference, metrics);
            progress?.Invoke($"{(algorithm == AlignmentAlgorithm.Dpo ? "iterative DPO" : $"APO (alpha {preference.Alpha})")}: {preference.Rounds} rounds of {preference.PromptsPerRound} prompts × 2 samples, {preference.Dpo.LossType} loss, beta {preference.Dpo.Beta}");
            for (int round = 1; round <= preference.Rounds; round++)
            {
                ApoRoundResult result = apo.RunRound(cancellationToken);
                progress?.Invoke($"round {round}: {result.Pairs.Count} pairs ({result.IdenticalPairsDropped} identical dropped)");
                Evaluate(round);
            }
            return (model, evaluations);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static long CountParameters(Gpt2LMHeadModel model) => model.parameters().Sum(p => p.numel());

    private sealed class PrefixedSink(IMetricsSink inner, string prefix) : IMetricsSink
    {
        public void Add(string name, double value, long step) => inner.Add(prefix + name, value, step);
    }
}
