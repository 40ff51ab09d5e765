namespace RlAlign.Policies.Language;

/// <summary>How a <see cref="BabyAIPolicy"/> turns the mission's words into one vector.</summary>
public enum MissionEncoder
{
    /// <summary>A GRU over the word embeddings; its state after the last word (BabyAI's default <c>gru</c>).</summary>
    Gru,

    /// <summary>The mean of the word embeddings (BabyAI's <c>bow</c>): cheaper, blind to word order.</summary>
    BagOfWords,
}

/// <summary>The recurrent memory of a <see cref="BabyAIPolicy"/> over its FiLM-conditioned image embedding.</summary>
public enum PolicyMemory
{
    /// <summary>No memory: each step is decided from its own observation (what behaviour cloning trains).</summary>
    None,

    /// <summary>A GRU cell; the memory is its hidden state.</summary>
    Gru,

    /// <summary>An LSTM cell, as BabyAI's <c>memory_rnn</c>; the memory is its hidden and cell states side by side.</summary>
    Lstm,
}

/// <summary>Sizes of a <see cref="BabyAIPolicy"/>; the defaults are BabyAI's <c>bow_endpool_res</c>-style model without the image bag-of-words.</summary>
public sealed record BabyAIPolicyOptions
{
    public MissionEncoder MissionEncoder { get; init; } = MissionEncoder.Gru;

    /// <summary>Width of the word embeddings and of the mission vector (BabyAI's <c>instr_dim</c>).</summary>
    public int WordSize { get; init; } = 128;

    /// <summary>Channels of every convolution (BabyAI: 128).</summary>
    public int Channels { get; init; } = 128;

    /// <summary>FiLM-conditioned residual blocks (BabyAI: 2).</summary>
    public int FilmLayers { get; init; } = 2;

    /// <summary>Hidden width of the actor and critic heads (BabyAI: 64).</summary>
    public int HeadSize { get; init; } = 64;

    /// <summary>A recurrent cell between the pooled image embedding and the heads (BabyAI: an LSTM of the embedding's width).</summary>
    public PolicyMemory Memory { get; init; } = PolicyMemory.None;

    public void Validate()
    {
        if (WordSize <= 0 || Channels <= 0 || HeadSize <= 0)
            throw new ArgumentException($"BabyAI policy sizes must be > 0 (word_size {WordSize}, channels {Channels}, head_size {HeadSize}).");
        if (!Enum.IsDefined(MissionEncoder)) throw new ArgumentException($"Unknown BabyAI mission encoder {MissionEncoder}.");
        if (!Enum.IsDefined(Memory)) throw new ArgumentException($"Unknown BabyAI policy memory {Memory}.");
        if (FilmLayers < 1) throw new ArgumentException($"The BabyAI policy needs at least one FiLM layer, got {FilmLayers}.");
    }
}
