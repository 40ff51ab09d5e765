using RlAlign.Algorithms.Imitation;

namespace RlAlign.Algorithms.Tests.Imitation;

[TestFixture]
public sealed class DemosFileTests
{
    private string _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("rlalign-demos-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    internal static DemonstrationSet Sample()
    {
        static DemoEpisode Episode(ulong seed, string mission, int length)
        {
            var images = new byte[length * 147];
            for (int i = 0; i < images.Length; i++) images[i] = (byte)((i * 7 + (int)seed) % 11);
            return new DemoEpisode(seed, mission, true, images,
                Enumerable.Range(0, length).Select(t => (byte)(t % 4)).ToArray(),
                Enumerable.Range(0, length).Select(t => (byte)((t + (int)seed) % 7)).ToArray());
        }
        return new DemonstrationSet("BabyAI-GoToLocal-v0", 7, 7, [Episode(3, "go to the red ball", 5), Episode(4, "go to a blue key", 2)]);
    }

    private string WriteSample()
    {
        string path = Path.Combine(_folder, "demos.bin");
        DemonstrationFile.Write(path, Sample());
        return path;
    }

    [Test]
    public void RoundTripsEveryField()
    {
        DemonstrationSet written = Sample();
        DemonstrationSet read = DemonstrationFile.Read(WriteSample(), "BabyAI-GoToLocal-v0");
        Assert.That(read.EnvId, Is.EqualTo(written.EnvId));
        Assert.That((read.ImageWidth, read.ImageHeight, read.StepCount), Is.EqualTo((7, 7, 7L)));
        Assert.That(read.Episodes, Has.Count.EqualTo(2));
        for (int i = 0; i < 2; i++)
        {
            DemoEpisode a = written.Episodes[i], b = read.Episodes[i];
            Assert.That((b.Seed, b.Mission, b.Success, b.Length), Is.EqualTo((a.Seed, a.Mission, a.Success, a.Length)));
            Assert.That(b.Images, Is.EqualTo(a.Images));
            Assert.That(b.Directions, Is.EqualTo(a.Directions));
            Assert.That(b.Actions, Is.EqualTo(a.Actions));
        }
        Assert.That(Directory.GetFiles(_folder, "*.tmp"), Is.Empty);
    }

    [Test]
    public void ATruncatedFileSaysSo()
    {
        string path = WriteSample();
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^100]);
        var error = Assert.Throws<DemonstrationFileException>(() => DemonstrationFile.Read(path))!;
        Assert.That(error.Message, Does.Contain(path).And.Contain("is truncated"));

        File.WriteAllBytes(path, bytes[..10]);
        error = Assert.Throws<DemonstrationFileException>(() => DemonstrationFile.Read(path))!;
        Assert.That(error.Message, Does.Contain("truncated").And.Contain("header"));
    }

    [Test]
    public void ACorruptByteFailsTheChecksum()
    {
        string path = WriteSample();
        byte[] bytes = File.ReadAllBytes(path);
        bytes[^3] ^= 0x40;
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<DemonstrationFileException>(() => DemonstrationFile.Read(path))!;
        Assert.That(error.Message, Does.Contain(path).And.Contain("checksum"));
    }

    [Test]
    public void DemonstrationsOfAnotherLevelAreRefused()
    {
        string path = WriteSample();
        var error = Assert.Throws<DemonstrationFileException>(() => DemonstrationFile.Read(path, "BabyAI-BossLevel-v0"))!;
        Assert.That(error.Message, Does.Contain(path).And.Contain("'BabyAI-GoToLocal-v0'").And.Contain("not of 'BabyAI-BossLevel-v0'"));
    }

    [Test]
    public void AnotherKindOfFileOrNoFileIsNamed()
    {
        string path = Path.Combine(_folder, "other.bin");
        File.WriteAllText(path, "RLACKPT\nnot demos at all");
        var error = Assert.Throws<DemonstrationFileException>(() => DemonstrationFile.Read(path))!;
        Assert.That(error.Message, Does.Contain(path).And.Contain("not an RlAlign demonstrations file"));
        Assert.Throws<FileNotFoundException>(() => DemonstrationFile.Read(Path.Combine(_folder, "missing.bin")));
    }
}
