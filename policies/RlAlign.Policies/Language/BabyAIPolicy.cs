using System.Runtime.InteropServices;
using RlAlign.Core.Spaces;
using RlAlign.Policies.Distributions;
using TorchSharp;
using Conv2d = TorchSharp.Modules.Conv2d;
using Embedding = TorchSharp.Modules.Embedding;
using GRU = TorchSharp.Modules.GRU;
using GRUCell = TorchSharp.Modules.GRUCell;
using LSTMCell = TorchSharp.Modules.LSTMCell;
using Linear = TorchSharp.Modules.Linear;
using Sequential = TorchSharp.Modules.Sequential;
using static TorchSharp.torch;

namespace RlAlign.Policies.Language;

/// <summary>The policy's outputs for a batch: action logits [batch, actions] and V(s) [batch].</summary>
public readonly record struct PolicyOutput(Tensor Logits, Tensor Value);

/// <summary>
/// The BabyAI baselines' language-conditioned actor-critic (babyai/model.py <c>ACModel</c>, FiLM architecture):
/// the mission's words are embedded and encoded by a GRU (or averaged); a convolution reads the 7×7×3 egocentric
/// image; FiLM blocks (conv, ReLU, conv, then γ(mission)·x + β(mission), ReLU, plus a residual) condition the image
/// features on the mission; a max-pool over the whole view gives one embedding, optionally passed through a
/// recurrent memory cell (<see cref="BabyAIPolicyOptions.Memory"/>: BabyAI's LSTM <c>memory_rnn</c>, or a GRU) whose
/// hidden state replaces it; the embedding feeds the actor and critic heads (Linear 64, tanh, Linear). Differences
/// from BabyAI: no batch normalisation (so acting and training compute the same function and there is no running
/// state to save), orthogonal initialisation from a seeded generator (the house rule; the memory cell as CleanRL's
/// ppo_atari_lstm.py: orthogonal weights with gain 1, zero biases).
/// </summary>
/// <remarks>
/// Observations are MiniGrid's flat Dict rows (direction, image, mission as charset indices). <see cref="forward"/>
/// reads them directly: the mission columns are copied to the host, decoded and tokenized there with a cache per
/// distinct mission (a level has few), because words are a host-side notion and a level's missions are a handful
/// of strings; the image stays on the device. Training on recorded demonstrations skips that step: it tokenizes
/// each episode's mission once and calls <see cref="Forward(Tensor, Tensor)"/>. A policy with memory is run over
/// sequences with <see cref="Unroll"/> (or <see cref="UnrollLogits"/>); the memory is zeroed where an episode starts.
/// </remarks>
public sealed class BabyAIPolicy : PpoPolicy
{
    private readonly Embedding _words;
    private readonly GRU? _gru;
    private readonly Sequential _imageConv;
    private readonly Conv2d[] _filmFirst, _filmSecond;
    private readonly Linear[] _filmScale, _filmShift;
    private readonly LSTMCell? _lstmMemory;
    private readonly GRUCell? _gruMemory;
    private readonly Sequential _actor, _critic;
    private readonly int _imageOffset, _missionOffset;
    private readonly Text _missionSpace;
    private readonly Dictionary<string, long[]> _tokenCache = new(StringComparer.Ordinal);

    public BabyAIPolicy(Space observationSpace, Space actionSpace, BabyAIPolicyOptions? options = null, Generator? generator = null)
        : base(nameof(BabyAIPolicy))
    {
        Options = options ?? new BabyAIPolicyOptions();
        Options.Validate();
        if (observationSpace is not DictSpace dict
            || dict.Spaces.FirstOrDefault(e => e.Key == "image").Value is not Box { Shape.Count: 3 } image
            || dict.Spaces.FirstOrDefault(e => e.Key == "mission").Value is not Text mission)
            throw new ArgumentException($"The BabyAI policy reads MiniGrid's Dict observation with an 'image' Box [w, h, 3] and a 'mission' Text; got {observationSpace}.");
        if (actionSpace is not Discrete { Start: 0 } actions)
            throw new ArgumentException($"The BabyAI policy has a categorical head over Discrete(n) actions; got {actionSpace}.");
        (ImageWidth, ImageHeight, ImageChannels) = (image.Shape[0], image.Shape[1], image.Shape[2]);
        ActionCount = actions.N;
        ObservationSize = observationSpace.FlatSize;
        _imageOffset = dict.OffsetOf("image");
        _missionOffset = dict.OffsetOf("mission");
        _missionSpace = mission;
        NnpackSwitch.Disable();

        int c = Options.Channels, d = Options.WordSize;
        _words = nn.Embedding(BabyAIVocabulary.Size, d);
        using (no_grad()) _words.weight!.normal_(0, 1, generator);
        if (Options.MissionEncoder == MissionEncoder.Gru)
        {
            _gru = nn.GRU(d, d, batchFirst: true);
            // PyTorch's default GRU init, U(-1/√d, 1/√d), drawn from the seeded generator.
            double bound = 1 / Math.Sqrt(d);
            using (no_grad())
                foreach (var parameter in _gru.parameters()) parameter.uniform_(-bound, bound, generator);
        }
        _imageConv = nn.Sequential(Convolution(ImageChannels, c, generator), nn.ReLU(), Convolution(c, c, generator), nn.ReLU());
        int layers = Options.FilmLayers;
        _filmFirst = new Conv2d[layers];
        _filmSecond = new Conv2d[layers];
        _filmScale = new Linear[layers];
        _filmShift = new Linear[layers];
        for (int i = 0; i < layers; i++)
        {
            _filmFirst[i] = Convolution(c, c, generator);
            _filmSecond[i] = Convolution(c, c, generator);
            _filmScale[i] = InitializedLinear(d, c, 1.0, generator);
            _filmShift[i] = InitializedLinear(d, c, 1.0, generator);
        }
        _actor = nn.Sequential(InitializedLinear(c, Options.HeadSize, Math.Sqrt(2), generator), nn.Tanh(), InitializedLinear(Options.HeadSize, ActionCount, 0.01, generator));
        _critic = nn.Sequential(InitializedLinear(c, Options.HeadSize, Math.Sqrt(2), generator), nn.Tanh(), InitializedLinear(Options.HeadSize, 1, 1.0, generator));
        // Drawn after the heads, so that a policy with memory starts from the same trunk and heads as one without.
        if (Options.Memory == PolicyMemory.Lstm) _lstmMemory = InitializedCell(nn.LSTMCell(c, c), generator);
        else if (Options.Memory == PolicyMemory.Gru) _gruMemory = InitializedCell(nn.GRUCell(c, c), generator);
        MemorySize = Options.Memory switch { PolicyMemory.Lstm => 2 * c, PolicyMemory.Gru => c, _ => 0 };

        register_module("word_embedding", _words);
        if (_gru is not null) register_module("instr_rnn", _gru);
        register_module("image_conv", _imageConv);
        for (int i = 0; i < layers; i++)
        {
            register_module($"film_{i}_conv1", _filmFirst[i]);
            register_module($"film_{i}_conv2", _filmSecond[i]);
            register_module($"film_{i}_weight", _filmScale[i]);
            register_module($"film_{i}_bias", _filmShift[i]);
        }
        if (_lstmMemory is not null) register_module("memory_rnn", _lstmMemory);
        if (_gruMemory is not null) register_module("memory_rnn", _gruMemory);
        register_module("actor", _actor);
        register_module("critic", _critic);
    }

    public BabyAIPolicyOptions Options { get; }
    public int ImageWidth { get; }
    public int ImageHeight { get; }
    public int ImageChannels { get; }
    public int ImageSize => ImageWidth * ImageHeight * ImageChannels;
    public int ActionCount { get; }

    /// <summary>Floats per flat observation row.</summary>
    public override int ObservationSize { get; }

    /// <summary>One action id per row.</summary>
    public override int ActionSize => 1;

    /// <summary>Floats of memory per env: 0 without memory, the embedding's width for a GRU, twice it for an LSTM (h, then c).</summary>
    public override int MemorySize { get; }

    public override Device Device => _actor.parameters().First().device;

    /// <summary>
    /// Flat MiniGrid observation rows [batch, observation size] → logits and values (the mission is tokenized on
    /// the host). Each row is decided on its own, so a policy with memory must be run with <see cref="Unroll"/>.
    /// </summary>
    public PolicyOutput forward(Tensor observations)
    {
        Tensor images = observations.narrow(1, _imageOffset, ImageSize).reshape(-1, ImageWidth, ImageHeight, ImageChannels);
        return Forward(images, MissionTokens(observations));
    }

    /// <summary>
    /// Images [batch, width, height, 3] (float, the observation's C order) and mission token ids [batch, words]
    /// (int64, padded with <see cref="BabyAIVocabulary.Padding"/>) → logits and values, each row on its own.
    /// </summary>
    public PolicyOutput Forward(Tensor images, Tensor tokens)
    {
        EnsureMemoryless();
        return Heads(Embed(images, tokens));
    }

    /// <summary>
    /// <see cref="PpoPolicy.Unroll"/> with the raw outputs: logits [steps * envs, actions] and values [steps * envs]
    /// for step-major rows, and the memory after the last step. Without memory, the same as <see cref="forward"/>.
    /// </summary>
    public (PolicyOutput Output, Tensor Memory) UnrollLogits(Tensor observations, Tensor memory, Tensor episodeStarts)
    {
        Tensor images = observations.narrow(1, _imageOffset, ImageSize).reshape(-1, ImageWidth, ImageHeight, ImageChannels);
        Tensor embedding = Embed(images, MissionTokens(observations));
        if (MemorySize == 0) return (Heads(embedding), memory);
        int envs = (int)memory.shape[0];
        if (embedding.shape[0] % envs != 0)
            throw new ArgumentException($"{embedding.shape[0]} observation rows are not whole steps of {envs} envs.");
        long steps = embedding.shape[0] / envs;
        Tensor keep = (1 - episodeStarts.to(embedding.dtype)).view(steps, envs, 1);
        Tensor[] sequence = embedding.view(steps, envs, -1).unbind(0);
        var outputs = new Tensor[steps];
        int width = Options.Channels;
        for (int t = 0; t < steps; t++)
        {
            // CleanRL's get_states: the state is multiplied by (1 - done) before the step that starts an episode.
            memory = memory * keep[t];
            if (_lstmMemory is not null)
            {
                (Tensor h, Tensor c) = _lstmMemory.forward(sequence[t], (memory.narrow(1, 0, width), memory.narrow(1, width, width)));
                outputs[t] = h;
                memory = cat([h, c], 1);
            }
            else
            {
                memory = _gruMemory!.forward(sequence[t], memory);
                outputs[t] = memory;
            }
        }
        return (Heads(stack(outputs).view(steps * envs, width)), memory);
    }

    public override RecurrentOutput Unroll(Tensor observations, Tensor memory, Tensor episodeStarts)
    {
        (PolicyOutput output, Tensor next) = UnrollLogits(observations, memory, episodeStarts);
        return new RecurrentOutput(new Categorical(output.Logits), output.Value, next);
    }

    public override Tensor GetValue(Tensor observations) => forward(observations).Value;

    /// <summary>The action distribution at <paramref name="observations"/>, each row on its own.</summary>
    public override ActionDistribution GetDistribution(Tensor observations) => new Categorical(forward(observations).Logits);

    public override ActionAndValue GetActionAndValue(Tensor observations, Tensor? action = null, Generator? generator = null)
    {
        PolicyOutput output = forward(observations);
        var distribution = new Categorical(output.Logits);
        action ??= distribution.Sample(generator);
        return new ActionAndValue(action, distribution.LogProb(action), distribution.Entropy(), output.Value);
    }

    public override PolicyStep Act(Tensor observations, Generator? generator = null)
    {
        PolicyOutput output = forward(observations);
        (Tensor action, Tensor logProb) = new Categorical(output.Logits).SampleWithLogProb(generator);
        return new PolicyStep(action, logProb, output.Value);
    }

    /// <summary>
    /// Copies the mission encoder, the image trunk and the actor (everything but the <c>critic.*</c> value head) from
    /// <paramref name="source"/>, e.g. a behaviour-cloned policy that PPO fine-tunes. Both must have the same options.
    /// </summary>
    public void CopyTrunkAndActorFrom(BabyAIPolicy source)
    {
        if (source.Options != Options)
            throw new ArgumentException($"The source policy's options ({source.Options}) differ from this policy's ({Options}).");
        if (source.ObservationSize != ObservationSize || source.ActionCount != ActionCount)
            throw new ArgumentException($"The source policy reads {source.ObservationSize} observation values and has {source.ActionCount} actions; this one {ObservationSize} and {ActionCount}.");
        var sources = source.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        using (no_grad())
            foreach ((string name, var parameter) in named_parameters())
                if (!name.StartsWith(CriticPrefix, StringComparison.Ordinal)) parameter.copy_(sources[name]);
    }

    private PolicyOutput Heads(Tensor embedding) => new(_actor.forward(embedding), _critic.forward(embedding).squeeze(-1));

    private void EnsureMemoryless()
    {
        if (MemorySize != 0)
            throw new InvalidOperationException($"This BabyAI policy has a {Options.Memory} memory: run it over sequences with Unroll, not row by row.");
    }

    /// <summary>The FiLM-conditioned, max-pooled image embedding [batch, channels].</summary>
    private Tensor Embed(Tensor images, Tensor tokens)
    {
        Tensor mission = EncodeMission(tokens);
        Tensor x = _imageConv.forward(images.permute(0, 3, 1, 2));
        for (int i = 0; i < _filmFirst.Length; i++)
        {
            Tensor y = nn.functional.relu(_filmFirst[i].forward(x));
            y = _filmSecond[i].forward(y);
            y = y * _filmScale[i].forward(mission).unsqueeze(2).unsqueeze(3) + _filmShift[i].forward(mission).unsqueeze(2).unsqueeze(3);
            x = nn.functional.relu(y) + x;
        }
        // BabyAI's "endpool": one max over the whole view.
        return x.amax([2, 3]);
    }

    /// <summary>Token ids [batch, longest mission in the batch] of the missions in flat observation rows.</summary>
    public Tensor MissionTokens(Tensor observations)
    {
        int batch = (int)observations.shape[0];
        Tensor host = observations.narrow(1, _missionOffset, _missionSpace.MaxLength).to(ScalarType.Float32, CPU).contiguous();
        ReadOnlySpan<float> codes = MemoryMarshal.Cast<byte, float>(host.bytes);
        var rows = new long[batch][];
        int longest = 1;
        for (int b = 0; b < batch; b++)
        {
            string mission = _missionSpace.Decode(codes.Slice(b * _missionSpace.MaxLength, _missionSpace.MaxLength));
            if (!_tokenCache.TryGetValue(mission, out long[]? ids))
                _tokenCache[mission] = ids = BabyAIVocabulary.Tokenize(mission);
            rows[b] = ids;
            longest = Math.Max(longest, ids.Length);
        }
        Tensor tokens = zeros([batch, longest], ScalarType.Int64);
        Span<long> destination = MemoryMarshal.Cast<byte, long>(tokens.bytes);
        for (int b = 0; b < batch; b++) rows[b].CopyTo(destination.Slice(b * longest, longest));
        return tokens.to(observations.device);
    }

    private Tensor EncodeMission(Tensor tokens)
    {
        Tensor embedded = _words.forward(tokens);
        Tensor present = tokens.ne(BabyAIVocabulary.Padding);
        Tensor lengths = present.sum(1);
        if (_gru is null)
        {
            Tensor mask = present.unsqueeze(2).to(embedded.dtype);
            return (embedded * mask).sum(1) / lengths.clamp_min(1).unsqueeze(1).to(embedded.dtype);
        }
        // Missions are padded at the end, so the GRU's output after the last word is its state at that word.
        (Tensor outputs, Tensor _) = _gru.forward(embedded);
        Tensor last = (lengths - 1).clamp_min(0).view(-1, 1, 1).expand(-1, 1, outputs.shape[2]);
        return outputs.gather(1, last).squeeze(1);
    }

    private static Conv2d Convolution(int inputs, int outputs, Generator? generator)
    {
        Conv2d convolution = nn.Conv2d(inputs, outputs, kernel_size: 3, padding: 1);
        OrthogonalInit.Apply(convolution.weight!, Math.Sqrt(2), generator);
        using (no_grad()) convolution.bias!.zero_();
        return convolution;
    }

    // CleanRL's ppo_atari_lstm.py: orthogonal weights with gain 1, zero biases.
    private static T InitializedCell<T>(T cell, Generator? generator) where T : nn.Module
    {
        foreach ((string name, var parameter) in cell.named_parameters())
        {
            if (name.StartsWith("weight", StringComparison.Ordinal)) OrthogonalInit.Apply(parameter, 1.0, generator);
            else using (no_grad()) parameter.zero_();
        }
        return cell;
    }

    private static Linear InitializedLinear(int inputs, int outputs, double gain, Generator? generator)
    {
        Linear linear = nn.Linear(inputs, outputs);
        OrthogonalInit.Apply(linear.weight!, gain, generator);
        using (no_grad()) linear.bias!.zero_();
        return linear;
    }
}
