using RlAlign.Core.Spaces;
using RlAlign.Policies.Distributions;
using TorchSharp;
using Linear = TorchSharp.Modules.Linear;
using Parameter = TorchSharp.Modules.Parameter;
using Sequential = TorchSharp.Modules.Sequential;
using static TorchSharp.torch;

namespace RlAlign.Policies;

/// <summary>What <see cref="ActorCritic.GetActionAndValue"/> returns (CleanRL's <c>get_action_and_value</c>): each of shape [batch] except the action, [batch, actionSize].</summary>
public readonly record struct ActionAndValue(Tensor Action, Tensor LogProb, Tensor Entropy, Tensor Value);

/// <summary>What <see cref="ActorCritic.Act"/> returns during rollouts: the sampled action, its log-probability and the state value.</summary>
public readonly record struct PolicyStep(Tensor Action, Tensor LogProb, Tensor Value);

/// <summary>
/// CleanRL's PPO agent: separate actor and critic MLPs (64-64 tanh by default) with orthogonal
/// initialisation, and an action head chosen by the action space — a categorical for
/// <see cref="Discrete"/>, independent categoricals for <see cref="MultiDiscrete"/>, and a diagonal
/// Gaussian with a state-independent log-std for <see cref="Box"/>. Observations are [batch, observation
/// size] float32 rows in the env's flat layout (a <see cref="Discrete"/> observation is one-hot encoded here);
/// with <see cref="ObservationEncoder.MinigridCnn"/> a convolutional trunk shared by both MLPs reads the image.
/// Parameter names follow CleanRL (<c>critic.0.weight</c>, <c>actor.4.bias</c> or <c>actor_mean.*</c>, <c>actor_logstd</c>).
/// </summary>
public sealed class ActorCritic : PpoPolicy
{
    private enum Head { Categorical, MultiCategorical, Gaussian }

    private readonly Sequential _critic;
    private readonly Sequential _actor;
    private readonly Parameter? _actorLogStd;
    private readonly Head _head;
    private readonly int _actionStart;
    private readonly int[] _nvec = [];
    private readonly Discrete? _discreteObservation;
    private readonly MiniGridImageEncoder? _imageEncoder;

    private ActorCritic(Space observationSpace, Space actionSpace, ActorCriticOptions options, Generator? generator)
        : base(nameof(ActorCritic))
    {
        options.Validate();
        ObservationSpace = observationSpace;
        ActionSpace = actionSpace;
        Options = options;
        ObservationSize = observationSpace.FlatSize;
        ActionSize = actionSpace.FlatSize;

        if (options.Encoder == ObservationEncoder.MinigridCnn)
            _imageEncoder = new MiniGridImageEncoder(observationSpace, generator);
        int inputSize = observationSpace switch
        {
            _ when _imageEncoder is not null => _imageEncoder.OutputSize,
            Discrete discrete => discrete.N,
            Text => throw new NotSupportedException($"ActorCritic cannot take a {observationSpace} observation; encode text with a tokenizer-based policy."),
            _ => observationSpace.FlatSize,
        };
        _discreteObservation = observationSpace as Discrete;

        int actorOutputs;
        switch (actionSpace)
        {
            case Discrete discrete:
                _head = Head.Categorical;
                _actionStart = discrete.Start;
                actorOutputs = discrete.N;
                break;
            case MultiDiscrete multiDiscrete:
                _head = Head.MultiCategorical;
                _nvec = multiDiscrete.Nvec;
                actorOutputs = _nvec.Sum();
                break;
            case Box box:
                _head = Head.Gaussian;
                actorOutputs = box.FlatSize;
                break;
            default:
                throw new NotSupportedException($"ActorCritic has no action head for {actionSpace} (supported: Discrete, MultiDiscrete, Box).");
        }

        if (_imageEncoder is not null) register_module("image_conv", _imageEncoder);
        _critic = Mlp(inputSize, 1, options, options.ValueHeadGain, generator);
        _actor = Mlp(inputSize, actorOutputs, options, options.PolicyHeadGain, generator);
        register_module("critic", _critic);
        register_module(_head == Head.Gaussian ? "actor_mean" : "actor", _actor);
        if (_head == Head.Gaussian)
        {
            _actorLogStd = new Parameter(full(1, actorOutputs, options.InitialLogStd, dtype: ScalarType.Float32));
            register_parameter("actor_logstd", _actorLogStd);
        }
    }

    /// <summary>Builds the network for an env's spaces; <paramref name="generator"/> makes the initial weights reproducible.</summary>
    public static ActorCritic Create(Space observationSpace, Space actionSpace, ActorCriticOptions? options = null, Generator? generator = null)
        => new(observationSpace, actionSpace, options ?? new ActorCriticOptions(), generator);

    public Space ObservationSpace { get; }
    public Space ActionSpace { get; }
    public ActorCriticOptions Options { get; }

    public override int ObservationSize { get; }

    public override int ActionSize { get; }

    public bool IsContinuous => _head == Head.Gaussian;

    public override Device Device => _critic.parameters().First().device;

    public override Tensor GetValue(Tensor observations) => _critic.forward(Encode(observations)).squeeze(-1);

    public override ActionDistribution GetDistribution(Tensor observations) => Distribution(Encode(observations));

    public override ActionAndValue GetActionAndValue(Tensor observations, Tensor? action = null, Generator? generator = null)
    {
        Tensor input = Encode(observations);
        ActionDistribution distribution = Distribution(input);
        action ??= distribution.Sample(generator);
        return new ActionAndValue(action, distribution.LogProb(action), distribution.Entropy(), _critic.forward(input).squeeze(-1));
    }

    public override PolicyStep Act(Tensor observations, Generator? generator = null)
    {
        Tensor input = Encode(observations);
        ActionDistribution distribution = Distribution(input);
        (Tensor action, Tensor logProb) = distribution.SampleWithLogProb(generator);
        return new PolicyStep(action, logProb, _critic.forward(input).squeeze(-1));
    }

    public override Tensor DeterministicAction(Tensor observations) => Distribution(Encode(observations)).Mode();

    private ActionDistribution Distribution(Tensor input)
    {
        Tensor output = _actor.forward(input);
        return _head switch
        {
            Head.Categorical => new Categorical(output, _actionStart),
            Head.MultiCategorical => new MultiCategorical(output, _nvec),
            _ => new DiagonalGaussian(output, _actorLogStd!),
        };
    }

    private Tensor Encode(Tensor observations)
    {
        if (_imageEncoder is not null) return _imageEncoder.forward(observations);
        if (_discreteObservation is not { } discrete) return observations;
        Tensor index = observations.reshape(-1).to(ScalarType.Int64);
        if (discrete.Start != 0) index = index - discrete.Start;
        return nn.functional.one_hot(index, discrete.N).to(ScalarType.Float32);
    }

    private static Sequential Mlp(int inputs, int outputs, ActorCriticOptions options, double headGain, Generator? generator)
    {
        var layers = new List<nn.Module<Tensor, Tensor>>();
        int width = inputs;
        foreach (int hidden in options.HiddenSizes)
        {
            layers.Add(InitializedLinear(width, hidden, options.HiddenGain, generator));
            layers.Add(options.Activation == Activation.Tanh ? nn.Tanh() : nn.ReLU());
            width = hidden;
        }
        layers.Add(InitializedLinear(width, outputs, headGain, generator));
        return nn.Sequential(layers);
    }

    // CleanRL's layer_init: orthogonal weights with the given gain, zero bias (implementation detail 2).
    private static Linear InitializedLinear(int inputs, int outputs, double gain, Generator? generator)
    {
        Linear linear = nn.Linear(inputs, outputs);
        OrthogonalInit.Apply(linear.weight!, gain, generator);
        using (no_grad()) linear.bias!.zero_();
        return linear;
    }
}
