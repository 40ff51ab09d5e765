using NUnit.Framework;
using RlAlign.Core.Tests.TestEnvs;

namespace RlAlign.Core.Tests.Registry;

public class PrefixRegistrationTests
{
    [Test]
    public void PrefixedIdsResolveThroughTheirFactoryWithThePrefixRemoved()
    {
        var registry = new EnvRegistry();
        string? requested = null;
        registry.RegisterPrefix("test:", (id, _) => { requested = id; return new CounterEnv(); }, "test envs");

        Assert.That(registry.TryGet("test:Counter-v0", out EnvSpec spec), Is.True);
        using IEnv env = spec.Create(new EnvOptions());
        Assert.That(requested, Is.EqualTo("Counter-v0"));
        Assert.That(spec.Id, Is.EqualTo("test:Counter-v0"));
        Assert.That(registry.TryGet("test:", out _), Is.False, "a bare prefix is no id");
        Assert.That(registry.TryGet("other:Counter-v0", out _), Is.False);
        Assert.That(registry.Prefixes, Is.EqualTo(new[] { "test:" }));
        Assert.That(() => registry.RegisterPrefix("test:", (_, _) => new CounterEnv()), Throws.InvalidOperationException);
    }
}
