namespace RlAlign.Algorithms.Tests;

public sealed class EvaluatorTests
{
    [Test]
    public void EvaluatesWholeEpisodesWithRawReturns()
    {
        using var trainer = new PpoTrainer(TestConfigs.SmallCartPole(iterations: 2));
        trainer.Train();

        EvaluationResult deterministic = Evaluator.Evaluate(trainer, episodes: 5, deterministic: true, seed: 3);
        EvaluationResult again = Evaluator.Evaluate(trainer, episodes: 5, deterministic: true, seed: 3);
        EvaluationResult stochastic = Evaluator.Evaluate(trainer, episodes: 5, deterministic: false, seed: 3);

        Assert.That(deterministic.Returns, Has.Count.EqualTo(5));
        Assert.That(deterministic.Lengths, Has.Count.EqualTo(5));
        Assert.That(deterministic.Returns, Is.EqualTo(deterministic.Lengths.Select(l => (double)l)), "CartPole pays 1 per step");
        Assert.That(again.Returns, Is.EqualTo(deterministic.Returns), "same seed, same episodes");
        Assert.That(stochastic.Returns, Has.Count.EqualTo(5));
        Assert.That(deterministic.MeanReturn, Is.EqualTo(deterministic.Returns.Average()));
    }

    [Test]
    public void EvaluatesACheckpointWithItsFrozenObservationStatistics()
    {
        string directory = Directory.CreateTempSubdirectory("rlalign-eval").FullName;
        try
        {
            string checkpoint = Path.Combine(directory, "pendulum.ckpt");
            EvaluationResult direct;
            using (var trainer = new PpoTrainer(TestConfigs.SmallPendulum(iterations: 1)))
            {
                trainer.RunIteration();
                trainer.SaveCheckpoint(checkpoint);
                direct = Evaluator.Evaluate(trainer, episodes: 2, seed: 9);
            }

            EvaluationResult fromCheckpoint = Evaluator.EvaluateCheckpoint(checkpoint, episodes: 2, seed: 9);

            Assert.That(fromCheckpoint.Returns, Is.EqualTo(direct.Returns));
            Assert.That(fromCheckpoint.Lengths, Is.All.EqualTo(200), "Pendulum-v1 runs to its time limit");
            Assert.That(fromCheckpoint.Returns, Is.All.LessThan(0), "raw Pendulum rewards, not normalised ones");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
