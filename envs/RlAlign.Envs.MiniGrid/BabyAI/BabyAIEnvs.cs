using RlAlign.Core;

namespace RlAlign.Envs.MiniGrid.BabyAI;

/// <summary>
/// Registers Farama Minigrid 3.1's 96 <c>BabyAI-*</c> ids with their keyword defaults. Like the MiniGrid ids they have
/// no <c>max_episode_steps</c>: each level truncates itself at the <c>max_steps</c> it computes at every reset.
/// </summary>
public sealed class BabyAIEnvs : IEnvRegistrar
{
    private static readonly LevelGenSettings Defaults = new();

    // The level generators, each with the keywords its Python class fixes (which users may not pass).
    internal static LevelGen GoToSeq(EnvOptions o) => new("BabyAI-GoToSeq-v0", BabyAIOptions.LevelGen(o,
        Defaults with { ActionKinds = [ActionKind.GoTo], LockedRoomProbability = 0, Locations = false, Unblocking = false },
        "action_kinds", "locked_room_prob", "locations", "unblocking"));

    internal static LevelGen PickupLoc(EnvOptions o) => new("BabyAI-PickupLoc-v0", BabyAIOptions.LevelGen(o,
        Defaults with
        {
            ActionKinds = [ActionKind.Pickup], InstrKinds = [InstrKind.Action], NumRows = 1, NumCols = 1, NumDistractors = 8,
            LockedRoomProbability = 0, Locations = true, Unblocking = false,
        },
        "action_kinds", "instr_kinds", "num_rows", "num_cols", "num_dists", "locked_room_prob", "locations", "unblocking"));

    internal static LevelGen Synth(EnvOptions o) => new("BabyAI-Synth-v0", BabyAIOptions.LevelGen(o,
        Defaults with { InstrKinds = [InstrKind.Action], Locations = false, Unblocking = true, ImplicitUnlock = false },
        "instr_kinds", "locations", "unblocking", "implicit_unlock"));

    internal static LevelGen SynthLoc(EnvOptions o) => new("BabyAI-SynthLoc-v0", BabyAIOptions.LevelGen(o,
        Defaults with { InstrKinds = [InstrKind.Action], Locations = true, Unblocking = true, ImplicitUnlock = false },
        "instr_kinds", "locations", "unblocking", "implicit_unlock"));

    internal static LevelGen SynthSeq(EnvOptions o) => new("BabyAI-SynthSeq-v0", BabyAIOptions.LevelGen(o,
        Defaults with { Locations = true, Unblocking = true, ImplicitUnlock = false },
        "locations", "unblocking", "implicit_unlock"));

    internal static LevelGen MiniBossLevel(EnvOptions o) => new("BabyAI-MiniBossLevel-v0", BabyAIOptions.LevelGen(o,
        Defaults with { NumCols = 2, NumRows = 2, RoomSize = 5, NumDistractors = 7, LockedRoomProbability = 0.25 },
        "num_cols", "num_rows", "room_size", "num_dists", "locked_room_prob"));

    internal static LevelGen BossLevel(EnvOptions o) => new("BabyAI-BossLevel-v0", BabyAIOptions.LevelGen(o, Defaults));

    internal static LevelGen BossLevelNoUnlock(EnvOptions o) => new("BabyAI-BossLevelNoUnlock-v0", BabyAIOptions.LevelGen(o,
        Defaults with { LockedRoomProbability = 0, ImplicitUnlock = false }, "locked_room_prob", "implicit_unlock"));

    public void Register(EnvRegistry registry)
    {
        void Add(string id, Func<EnvOptions, MiniGridEnv> create, string description, params (string Key, object? Value)[] defaults)
            => registry.Register(new EnvSpec(id, options => MiniGridEnvs.Create(create, options), Description: description)
            {
                DefaultOptions = defaults.ToDictionary(d => d.Key, d => d.Value),
            });

        // GoTo
        Add("BabyAI-GoToRedBallGrey-v0", GoToRedBallGreyLevel.Create, "Go to the red ball; the distractors are grey (BabyAI GoToRedBallGrey).");
        Add("BabyAI-GoToRedBall-v0", GoToRedBallLevel.Create, "Go to the red ball among distractors (BabyAI GoToRedBall).");
        Add("BabyAI-GoToRedBallNoDists-v0", GoToRedBallLevel.Create, "Go to the red ball, alone in the room (BabyAI GoToRedBallNoDists).",
            ("room_size", 8), ("num_dists", 0));
        const string goToObj = "Go to the only object in the room (BabyAI GoToObj).";
        Add("BabyAI-GoToObj-v0", GoToObjLevel.Create, goToObj);
        Add("BabyAI-GoToObjS4-v0", GoToObjLevel.Create, goToObj, ("room_size", 4));
        Add("BabyAI-GoToObjS6-v1", GoToObjLevel.Create, goToObj, ("room_size", 6));
        const string goToLocal = "Go to an object named by colour and kind, in one room (BabyAI GoToLocal).";
        Add("BabyAI-GoToLocal-v0", GoToLocalLevel.Create, goToLocal);
        foreach ((int size, int dists) in new[] { (5, 2), (6, 2), (6, 3), (6, 4), (7, 4), (7, 5), (8, 2), (8, 3), (8, 4), (8, 5), (8, 6), (8, 7) })
            Add($"BabyAI-GoToLocalS{size}N{dists}-v0", GoToLocalLevel.Create, goToLocal, ("room_size", size), ("num_dists", dists));
        const string goTo = "Go to an object, maybe in another room of a 3x3 maze (BabyAI GoTo).";
        Add("BabyAI-GoTo-v0", GoToLevel.Create, goTo);
        Add("BabyAI-GoToOpen-v0", GoToLevel.Create, goTo, ("doors_open", true));
        Add("BabyAI-GoToObjMaze-v0", GoToLevel.Create, goTo, ("num_dists", 1), ("doors_open", false));
        Add("BabyAI-GoToObjMazeOpen-v0", GoToLevel.Create, goTo, ("num_dists", 1), ("doors_open", true));
        Add("BabyAI-GoToObjMazeS4R2-v0", GoToLevel.Create, goTo, ("num_dists", 1), ("room_size", 4), ("num_rows", 2), ("num_cols", 2));
        foreach (int size in new[] { 4, 5, 6, 7 })
            Add($"BabyAI-GoToObjMazeS{size}-v0", GoToLevel.Create, goTo, ("num_dists", 1), ("room_size", size));
        Add("BabyAI-GoToImpUnlock-v0", GoToImpUnlockLevel.Create, "Go to the object in a locked room; its key is elsewhere (BabyAI GoToImpUnlock).");
        const string goToSeq = "Go to objects in sequence, in a 3x3 maze (BabyAI GoToSeq).";
        Add("BabyAI-GoToSeq-v0", GoToSeq, goToSeq);
        Add("BabyAI-GoToSeqS5R2-v0", GoToSeq, goToSeq, ("room_size", 5), ("num_rows", 2), ("num_cols", 2), ("num_dists", 4));
        Add("BabyAI-GoToRedBlueBall-v0", GoToRedBlueBallLevel.Create, "Go to the only red or blue ball (BabyAI GoToRedBlueBall).");
        Add("BabyAI-GoToDoor-v0", GoToDoorLevel.Create, "Go to the door of the named colour (BabyAI GoToDoor).");
        Add("BabyAI-GoToObjDoor-v0", GoToObjDoorLevel.Create, "Go to an object or door of the room (BabyAI GoToObjDoor).");

        // Open
        Add("BabyAI-Open-v0", OpenLevel.Create, "Open a door, maybe in another room of a 3x3 maze (BabyAI Open).");
        Add("BabyAI-OpenRedDoor-v0", OpenRedDoorLevel.Create, "Open the red door (BabyAI OpenRedDoor).");
        const string openDoor = "Open the door named by colour or location (BabyAI OpenDoor).";
        Add("BabyAI-OpenDoor-v0", OpenDoorLevel.Create, openDoor);
        Add("BabyAI-OpenDoorDebug-v0", OpenDoorLevel.Create, openDoor, ("debug", true), ("select_by", null));
        Add("BabyAI-OpenDoorColor-v0", OpenDoorLevel.Create, openDoor, ("select_by", "color"));
        Add("BabyAI-OpenDoorLoc-v0", OpenDoorLevel.Create, openDoor, ("select_by", "loc"));
        const string openTwo = "Open one door, then the one on the opposite wall (BabyAI OpenTwoDoors).";
        Add("BabyAI-OpenTwoDoors-v0", OpenTwoDoorsLevel.Create, openTwo);
        Add("BabyAI-OpenRedBlueDoors-v0", OpenTwoDoorsLevel.Create, openTwo, ("first_color", "red"), ("second_color", "blue"));
        Add("BabyAI-OpenRedBlueDoorsDebug-v0", OpenTwoDoorsLevel.Create, openTwo, ("first_color", "red"), ("second_color", "blue"), ("strict", true));
        const string openOrder = "Open one or two doors in the order said (BabyAI OpenDoorsOrder).";
        Add("BabyAI-OpenDoorsOrderN2-v0", OpenDoorsOrderLevel.Create, openOrder, ("num_doors", 2));
        Add("BabyAI-OpenDoorsOrderN4-v0", OpenDoorsOrderLevel.Create, openOrder, ("num_doors", 4));
        Add("BabyAI-OpenDoorsOrderN2Debug-v0", OpenDoorsOrderLevel.Create, openOrder, ("debug", true), ("num_doors", 2));
        Add("BabyAI-OpenDoorsOrderN4Debug-v0", OpenDoorsOrderLevel.Create, openOrder, ("debug", true), ("num_doors", 4));

        // Pickup
        Add("BabyAI-Pickup-v0", PickupLevel.Create, "Pick up an object, maybe in another room of a 3x3 maze (BabyAI Pickup).");
        Add("BabyAI-UnblockPickup-v0", UnblockPickupLevel.Create, "Pick up an object; some paths are blocked (BabyAI UnblockPickup).");
        Add("BabyAI-PickupLoc-v0", PickupLoc, "Pick up an object, maybe named by its location (BabyAI PickupLoc).");
        const string pickupDist = "Pick up an object named by kind, colour or both (BabyAI PickupDist).";
        Add("BabyAI-PickupDist-v0", PickupDistLevel.Create, pickupDist);
        Add("BabyAI-PickupDistDebug-v0", PickupDistLevel.Create, pickupDist, ("debug", true));
        Add("BabyAI-PickupAbove-v0", PickupAboveLevel.Create, "Pick up the object in the room above (BabyAI PickupAbove).");

        // PutNext
        const string putNextLocal = "Put an object next to another, in one room (BabyAI PutNextLocal).";
        Add("BabyAI-PutNextLocal-v0", PutNextLocalLevel.Create, putNextLocal);
        Add("BabyAI-PutNextLocalS5N3-v0", PutNextLocalLevel.Create, putNextLocal, ("room_size", 5), ("num_objs", 3));
        Add("BabyAI-PutNextLocalS6N4-v0", PutNextLocalLevel.Create, putNextLocal, ("room_size", 6), ("num_objs", 4));
        const string putNext = "Put an object of one room next to one of the other (BabyAI PutNext).";
        foreach ((int size, int count) in new[] { (4, 1), (5, 2), (5, 1), (6, 3), (7, 4) })
            Add($"BabyAI-PutNextS{size}N{count}-v0", PutNextLevel.Create, putNext, ("room_size", size), ("objs_per_room", count));
        foreach ((int size, int count) in new[] { (5, 2), (6, 3), (7, 4) })
            Add($"BabyAI-PutNextS{size}N{count}Carrying-v0", PutNextLevel.Create, putNext, ("room_size", size), ("objs_per_room", count), ("start_carrying", true));

        // Unlock
        Add("BabyAI-Unlock-v0", UnlockLevel.Create, "Open a locked door; its key is in another room (BabyAI Unlock).");
        const string unlockLocal = "Unlock the room's door with the key beside it (BabyAI UnlockLocal).";
        Add("BabyAI-UnlockLocal-v0", UnlockLocalLevel.Create, unlockLocal);
        Add("BabyAI-UnlockLocalDist-v0", UnlockLocalLevel.Create, unlockLocal, ("distractors", true));
        Add("BabyAI-KeyInBox-v0", KeyInBoxLevel.Create, "Unlock the door; the key is in a box (BabyAI KeyInBox).");
        const string unlockPickup = "Unlock the door, then pick up the box behind it (BabyAI UnlockPickup).";
        Add("BabyAI-UnlockPickup-v0", UnlockPickupLevel.Create, unlockPickup);
        Add("BabyAI-UnlockPickupDist-v0", UnlockPickupLevel.Create, unlockPickup, ("distractors", true));
        Add("BabyAI-BlockedUnlockPickup-v0", BlockedUnlockPickupLevel.Create, "Move the ball blocking the locked door, unlock it, pick up the box (BabyAI BlockedUnlockPickup).");
        Add("BabyAI-UnlockToUnlock-v0", UnlockToUnlockLevel.Create, "Unlock one door to reach the key of another (BabyAI UnlockToUnlock).");

        // Other
        Add("BabyAI-ActionObjDoor-v0", ActionObjDoorLevel.Create, "Pick up, go to or open an object or door of the room (BabyAI ActionObjDoor).");
        const string findObj = "Pick up the object hidden in one of nine rooms (BabyAI FindObj).";
        Add("BabyAI-FindObjS5-v0", FindObjLevel.Create, findObj);
        Add("BabyAI-FindObjS6-v0", FindObjLevel.Create, findObj, ("room_size", 6));
        Add("BabyAI-FindObjS7-v0", FindObjLevel.Create, findObj, ("room_size", 7));
        const string keyCorridor = "Find the key, unlock the door off the corridor and pick up the ball (BabyAI KeyCorridor).";
        Add("BabyAI-KeyCorridor-v0", KeyCorridorLevel.Create, keyCorridor);
        foreach ((int size, int rows) in new[] { (3, 1), (3, 2), (3, 3), (4, 3), (5, 3), (6, 3) })
            Add($"BabyAI-KeyCorridorS{size}R{rows}-v0", KeyCorridorLevel.Create, keyCorridor, ("room_size", size), ("num_rows", rows));
        const string oneRoom = "Pick up the ball in one room (BabyAI OneRoom).";
        Add("BabyAI-OneRoomS8-v0", OneRoomLevel.Create, oneRoom);
        foreach (int size in new[] { 12, 16, 20 })
            Add($"BabyAI-OneRoomS{size}-v0", OneRoomLevel.Create, oneRoom, ("room_size", size));
        const string moveTwo = "Put two objects next to objects of the other room, in order (BabyAI MoveTwoAcross).";
        Add("BabyAI-MoveTwoAcrossS5N2-v0", MoveTwoAcrossLevel.Create, moveTwo, ("room_size", 5), ("objs_per_room", 2));
        Add("BabyAI-MoveTwoAcrossS8N9-v0", MoveTwoAcrossLevel.Create, moveTwo, ("room_size", 8), ("objs_per_room", 9));

        // Synth
        const string synth = "One clause of any kind, in a 3x3 maze with a locked room (BabyAI Synth).";
        Add("BabyAI-Synth-v0", Synth, synth);
        Add("BabyAI-SynthS5R2-v0", Synth, synth, ("room_size", 5), ("num_rows", 2));
        Add("BabyAI-SynthLoc-v0", SynthLoc, "Like Synth, with locations (BabyAI SynthLoc).");
        Add("BabyAI-SynthSeq-v0", SynthSeq, "Like SynthLoc, with 'and' and sequences (BabyAI SynthSeq).");
        Add("BabyAI-MiniBossLevel-v0", MiniBossLevel, "The whole BabyAI language in a 2x2 maze (BabyAI MiniBossLevel).");
        Add("BabyAI-BossLevel-v0", BossLevel, "The whole BabyAI language in a 3x3 maze (BabyAI BossLevel).");
        Add("BabyAI-BossLevelNoUnlock-v0", BossLevelNoUnlock, "The whole BabyAI language, no locked room (BabyAI BossLevelNoUnlock).");
    }
}
