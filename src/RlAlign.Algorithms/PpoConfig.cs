using RlAlign.Core.Vector;
using RlAlign.Policies;
using RlAlign.Policies.Language;

namespace RlAlign.Algorithms;

/// <summary>The network PPO trains.</summary>
public enum PolicyArchitecture
{
    /// <summary>CleanRL's actor-critic (<see cref="Policies.ActorCritic"/>), shaped by hidden_sizes, activation and encoder.</summary>
    ActorCritic,

    /// <summary>BabyAI's FiLM language-conditioned actor-critic (<see cref="BabyAIPolicy"/>), shaped by mission_encoder, word_size, channels, film_layers and memory.</summary>
    BabyAI,
}

/// <summary>
/// PPO settings: CleanRL's ppo.py arguments under the same names (PascalCase here, snake_case in
/// experiment files: <c>LearningRate</c> ↔ <c>learning_rate</c>) and its defaults (spec §1.4, discrete
/// column), plus this project's additions. <see cref="ContinuousDefaults"/> gives ppo_continuous_action.py's.
/// </summary>
public sealed record PpoConfig
{
    public string EnvId { get; init; } = "CartPole-v1";
    public long Seed { get; init; } = 1;
    public long TotalTimesteps { get; init; } = 500_000;
    public double LearningRate { get; init; } = 2.5e-4;
    public int NumEnvs { get; init; } = 4;
    public int NumSteps { get; init; } = 128;

    /// <summary>Linear decay of the learning rate to 0 over the run.</summary>
    public bool AnnealLr { get; init; } = true;

    public double Gamma { get; init; } = 0.99;
    public double GaeLambda { get; init; } = 0.95;
    public int NumMinibatches { get; init; } = 4;
    public int UpdateEpochs { get; init; } = 4;

    /// <summary>Per-minibatch advantage normalisation.</summary>
    public bool NormAdv { get; init; } = true;

    public double ClipCoef { get; init; } = 0.2;

    /// <summary>Clipped value loss (with <see cref="ClipCoef"/>).</summary>
    public bool ClipVloss { get; init; } = true;

    public double EntCoef { get; init; } = 0.01;
    public double VfCoef { get; init; } = 0.5;
    public double MaxGradNorm { get; init; } = 0.5;

    /// <summary>Stops an iteration's epochs early once approx_kl exceeds it; null never stops.</summary>
    public double? TargetKl { get; init; }

    /// <summary>
    /// The first iterations train only the value head (the <c>critic.*</c> parameters): the actor and any shared trunk
    /// stay as they are until the critic's advantages mean something. For fine-tuning a cloned policy (init_from),
    /// whose critic starts fresh. 0 trains everything from the start (CleanRL).
    /// </summary>
    public int CriticWarmupIterations { get; init; }

    /// <summary>On a time-limit truncation, add γ·V(final observation) to the reward (spec §0.2); false is CleanRL's behaviour.</summary>
    public bool BootstrapOnTruncation { get; init; }

    /// <summary>Hidden layer widths of both the actor and the critic MLP.</summary>
    public int[] HiddenSizes { get; init; } = [64, 64];

    /// <summary>Hidden-layer nonlinearity of both MLPs (<c>tanh</c> as CleanRL, or <c>relu</c>).</summary>
    public Activation Activation { get; init; } = Activation.Tanh;

    /// <summary>How the network reads observations: <c>flat</c> rows (CleanRL's MLP), or <c>mini_grid_cnn</c> over a MiniGrid image.</summary>
    public ObservationEncoder Encoder { get; init; } = ObservationEncoder.Flat;

    /// <summary><c>actor_critic</c> (CleanRL's network, the default) or <c>baby_ai</c> (the FiLM policy for BabyAI's language missions).</summary>
    public PolicyArchitecture Policy { get; init; } = PolicyArchitecture.ActorCritic;

    /// <summary>BabyAI policy: <c>gru</c> or <c>bag_of_words</c> over the mission's words.</summary>
    public MissionEncoder MissionEncoder { get; init; } = MissionEncoder.Gru;

    /// <summary>BabyAI policy: width of the word embeddings and the mission vector.</summary>
    public int WordSize { get; init; } = 128;

    /// <summary>BabyAI policy: channels of every convolution (the embedding's width).</summary>
    public int Channels { get; init; } = 128;

    /// <summary>BabyAI policy: FiLM-conditioned residual blocks.</summary>
    public int FilmLayers { get; init; } = 2;

    /// <summary>
    /// BabyAI policy: <c>none</c>, <c>gru</c> or <c>lstm</c> memory over the image embedding. With memory, the rollout
    /// carries the state (zeroed where an episode starts) and minibatches are whole env sequences (ppo_atari_lstm.py),
    /// so num_minibatches must divide num_envs.
    /// </summary>
    public PolicyMemory Memory { get; init; } = PolicyMemory.None;

    /// <summary>
    /// BabyAI policy: a behaviour-cloning checkpoint (<c>algo: bc</c>) to start the mission encoder, image trunk and actor
    /// from; the critic starts fresh. Its env and policy settings must match this run's. Null starts from scratch.
    /// </summary>
    public string? InitFrom { get; init; }

    /// <summary>
    /// BabyAI policy: seed of the first success-rate evaluation episode after training (episode i uses this + i), the
    /// same default as bc's eval_seed so that a cloned policy and its fine-tuned successor are measured on the same levels.
    /// </summary>
    public long EvalSeed { get; init; } = 1_000_000;

    /// <summary><c>cpu</c>, <c>cuda</c> (or <c>cuda:N</c>), or <c>auto</c> (CUDA when available).</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Intra-op threads for TorchSharp (<c>torch.set_num_threads</c>); 1 is fastest for small networks on small CPUs.</summary>
    public int TorchThreads { get; init; } = 1;

    public VectorMode VectorMode { get; init; } = VectorMode.Sync;

    /// <summary>Gymnasium's NormalizeObservation (running mean/std).</summary>
    public bool NormalizeObservation { get; init; }

    /// <summary>Gymnasium's NormalizeReward(gamma): scale by the running std of the discounted return.</summary>
    public bool NormalizeReward { get; init; }

    /// <summary>Clip Box actions to the env's bounds when stepping the env (the rollout keeps the unclipped sample).</summary>
    public bool ClipAction { get; init; }

    /// <summary>Clip observations to [-ObsClip, ObsClip] (after normalisation); null does not clip.</summary>
    public double? ObsClip { get; init; }

    /// <summary>Clip rewards to [-RewardClip, RewardClip] (after normalisation); null does not clip.</summary>
    public double? RewardClip { get; init; }

    /// <summary>
    /// Multiplies every reward PPO learns from (BabyAI's train_rl.py <c>--reward-scale</c>, 20 there), before any
    /// normalisation; reported episode returns stay the env's own. 1 leaves rewards as they are.
    /// </summary>
    public double RewardScale { get; init; } = 1.0;

    /// <summary>The network these settings describe.</summary>
    public ActorCriticOptions PolicyOptions => new() { HiddenSizes = HiddenSizes, Activation = Activation, Encoder = Encoder };

    /// <summary>The BabyAI network these settings describe (with <see cref="PolicyArchitecture.BabyAI"/>).</summary>
    public BabyAIPolicyOptions BabyAIOptions => new()
    {
        MissionEncoder = MissionEncoder, WordSize = WordSize, Channels = Channels, FilmLayers = FilmLayers, Memory = Memory,
    };

    /// <summary>True when the policy has a recurrent memory, so rollouts carry it and minibatches are whole env sequences.</summary>
    public bool IsRecurrent => Policy == PolicyArchitecture.BabyAI && Memory != PolicyMemory.None;

    /// <summary><c>num_envs * num_steps</c>: samples per iteration.</summary>
    public int BatchSize => NumEnvs * NumSteps;

    public int MinibatchSize => NumMinibatches > 0 ? BatchSize / NumMinibatches : 0;

    /// <summary><c>total_timesteps // batch_size</c>.</summary>
    public int NumIterations => BatchSize > 0 ? (int)Math.Min(int.MaxValue, TotalTimesteps / BatchSize) : 0;

    /// <summary>CleanRL's ppo_continuous_action.py defaults (spec §1.4, right column) on Pendulum-v1, which needs no MuJoCo.</summary>
    public static PpoConfig ContinuousDefaults => new()
    {
        EnvId = "Pendulum-v1",
        TotalTimesteps = 1_000_000,
        LearningRate = 3e-4,
        NumEnvs = 1,
        NumSteps = 2048,
        NumMinibatches = 32,
        UpdateEpochs = 10,
        EntCoef = 0.0,
        NormalizeObservation = true,
        NormalizeReward = true,
        ClipAction = true,
        ObsClip = 10,
        RewardClip = 10,
    };

    /// <summary>Throws an <see cref="ArgumentException"/> listing every invalid setting (by its experiment-file name).</summary>
    public void Validate()
    {
        var errors = new List<string>();
        void Check(bool ok, string message)
        {
            if (!ok) errors.Add(message);
        }

        Check(!string.IsNullOrWhiteSpace(EnvId), "env_id must name an env (see `rlalign envs`).");
        Check(TotalTimesteps > 0, $"total_timesteps must be > 0, got {TotalTimesteps}.");
        Check(NumEnvs > 0, $"num_envs must be > 0, got {NumEnvs}.");
        Check(NumSteps > 0, $"num_steps must be > 0, got {NumSteps}.");
        Check(NumMinibatches > 0, $"num_minibatches must be > 0, got {NumMinibatches}.");
        Check(UpdateEpochs > 0, $"update_epochs must be > 0, got {UpdateEpochs}.");
        if (NumEnvs > 0 && NumSteps > 0 && NumMinibatches > 0)
        {
            Check(BatchSize % NumMinibatches == 0,
                $"the batch (num_envs * num_steps = {NumEnvs} * {NumSteps} = {BatchSize}) is not divisible by num_minibatches = {NumMinibatches}; pick num_minibatches dividing {BatchSize}.");
            Check(NumMinibatches <= BatchSize, $"num_minibatches ({NumMinibatches}) exceeds the batch size ({BatchSize}).");
            Check(TotalTimesteps >= BatchSize,
                $"total_timesteps ({TotalTimesteps}) is less than one batch (num_envs * num_steps = {BatchSize}), so no iteration would run.");
        }
        Check(double.IsFinite(LearningRate) && LearningRate > 0, $"learning_rate must be a finite number > 0, got {LearningRate}.");
        Check(Gamma is >= 0 and <= 1, $"gamma must be in [0, 1], got {Gamma}.");
        Check(GaeLambda is >= 0 and <= 1, $"gae_lambda must be in [0, 1], got {GaeLambda}.");
        Check(double.IsFinite(ClipCoef) && ClipCoef > 0, $"clip_coef must be a finite number > 0, got {ClipCoef}.");
        Check(double.IsFinite(EntCoef) && EntCoef >= 0, $"ent_coef must be a finite number >= 0, got {EntCoef}.");
        Check(double.IsFinite(VfCoef) && VfCoef >= 0, $"vf_coef must be a finite number >= 0, got {VfCoef}.");
        Check(MaxGradNorm > 0, $"max_grad_norm must be > 0, got {MaxGradNorm}.");
        Check(TargetKl is null || TargetKl > 0, $"target_kl must be > 0 or null, got {TargetKl}.");
        Check(HiddenSizes is { Length: > 0 } && HiddenSizes.All(h => h > 0),
            $"hidden_sizes must list at least one layer width > 0, got [{string.Join(", ", HiddenSizes ?? [])}].");
        Check(Enum.IsDefined(Activation), $"activation must be tanh or relu, got {Activation}.");
        Check(Enum.IsDefined(Encoder), $"encoder must be flat or mini_grid_cnn, got {Encoder}.");
        Check(Enum.IsDefined(Policy), $"policy must be actor_critic or baby_ai, got {Policy}.");
        if (Policy == PolicyArchitecture.BabyAI)
        {
            try
            {
                BabyAIOptions.Validate();
            }
            catch (ArgumentException e)
            {
                errors.Add(e.Message);
            }
            Check(!IsRecurrent || NumMinibatches <= 0 || NumEnvs % NumMinibatches == 0,
                $"with memory: {Memory.ToString().ToLowerInvariant()}, minibatches are whole env sequences, so num_minibatches ({NumMinibatches}) must divide num_envs ({NumEnvs}).");
        }
        Check(InitFrom is null || Policy == PolicyArchitecture.BabyAI, "init_from (a behaviour-cloning checkpoint) needs policy: baby_ai.");
        Check(IsValidDevice(Device), $"device must be cpu, cuda, cuda:N or auto, got '{Device}'.");
        Check(TorchThreads > 0, $"torch_threads must be > 0, got {TorchThreads}.");
        Check(Enum.IsDefined(VectorMode), $"vector_mode must be sync or threaded, got {VectorMode}.");
        Check(ObsClip is null || ObsClip > 0, $"obs_clip must be > 0 or null, got {ObsClip}.");
        Check(RewardClip is null || RewardClip > 0, $"reward_clip must be > 0 or null, got {RewardClip}.");
        Check(CriticWarmupIterations >= 0, $"critic_warmup_iterations must be >= 0, got {CriticWarmupIterations}.");
        Check(double.IsFinite(RewardScale) && RewardScale > 0, $"reward_scale must be a finite number > 0, got {RewardScale}.");
        if (errors.Count > 0)
            throw new ArgumentException($"Invalid PPO config:{Environment.NewLine}  - {string.Join($"{Environment.NewLine}  - ", errors)}");
    }

    private static bool IsValidDevice(string? device)
        => device is "cpu" or "cuda" or "auto"
           || (device is not null && device.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(device.AsSpan(5), out int index) && index >= 0);
}
