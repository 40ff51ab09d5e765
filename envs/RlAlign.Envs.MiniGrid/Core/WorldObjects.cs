namespace RlAlign.Envs.MiniGrid;

/// <summary>Minigrid's <c>OBJECT_TO_IDX</c>: the first channel of a cell's encoding.</summary>
public enum ObjectType : byte
{
    Unseen = 0,
    Empty = 1,
    Wall = 2,
    Floor = 3,
    Door = 4,
    Key = 5,
    Ball = 6,
    Box = 7,
    Goal = 8,
    Lava = 9,
    Agent = 10,
}

/// <summary>Minigrid's <c>COLOR_TO_IDX</c>: the second channel of a cell's encoding.</summary>
public enum ObjectColor : byte
{
    Red = 0,
    Green = 1,
    Blue = 2,
    Purple = 3,
    Yellow = 4,
    Grey = 5,
}

/// <summary>Colour names and the order Minigrid draws random colours in.</summary>
public static class ObjectColors
{
    /// <summary>
    /// Minigrid's <c>COLOR_NAMES</c> is <c>sorted(COLORS.keys())</c>, so random colour draws index this
    /// alphabetical list, not the encoding order.
    /// </summary>
    public static IReadOnlyList<ObjectColor> Names { get; } =
        [ObjectColor.Blue, ObjectColor.Green, ObjectColor.Grey, ObjectColor.Purple, ObjectColor.Red, ObjectColor.Yellow];

    public static string Name(this ObjectColor color) => color switch
    {
        ObjectColor.Red => "red",
        ObjectColor.Green => "green",
        ObjectColor.Blue => "blue",
        ObjectColor.Purple => "purple",
        ObjectColor.Yellow => "yellow",
        ObjectColor.Grey => "grey",
        _ => throw new ArgumentOutOfRangeException(nameof(color), color, null),
    };

    /// <summary>Minigrid's name of the kind ("key", "ball"…); BabyAI missions are built from it at every reset.</summary>
    public static string Name(this ObjectType type) => (int)type < TypeNames.Length ? TypeNames[(int)type] : type.ToString().ToLowerInvariant();

    // Indexed by ObjectType; a table rather than ToString so that naming a kind allocates nothing.
    private static readonly string[] TypeNames = ["unseen", "empty", "wall", "floor", "door", "key", "ball", "box", "goal", "lava", "agent"];
}

/// <summary>A cell's encoding <c>(type, color, state)</c>, as in Minigrid's observation image.</summary>
public readonly record struct CellEncoding(byte Type, byte Color, byte State)
{
    public static CellEncoding Empty => new((byte)ObjectType.Empty, 0, 0);
    public static CellEncoding Unseen => new(0, 0, 0);
}

/// <summary>
/// Minigrid's <c>WorldObj</c>: something that occupies one grid cell. Objects are reference types, as in
/// Python, because envs keep hold of them (the carried object, Dynamic-Obstacles' balls) while they move.
/// </summary>
public abstract class WorldObject(ObjectType type, ObjectColor color)
{
    public ObjectType Type { get; } = type;
    /// <summary>Settable because BabyAI's GoToRedBallGrey repaints its distractors after placing them.</summary>
    public ObjectColor Color { get; set; } = color;

    /// <summary>Where the object was placed (Minigrid's <c>init_pos</c>), or (-1, -1) when never placed.</summary>
    public (int X, int Y) InitialPosition { get; set; } = (-1, -1);

    /// <summary>Where the object is now (Minigrid's <c>cur_pos</c>); (-1, -1) while carried or never placed.</summary>
    public (int X, int Y) CurrentPosition { get; set; } = (-1, -1);

    /// <summary>Whether the agent can stand on this cell.</summary>
    public virtual bool CanOverlap => false;
    public virtual bool CanPickup => false;

    /// <summary>Whether the agent sees past this cell (walls and closed doors occlude).</summary>
    public virtual bool SeeBehind => true;

    /// <summary>The <c>toggle</c> action applied to this object at (x, y); true when something happened.</summary>
    public virtual bool Toggle(MiniGridEnv env, int x, int y) => false;

    /// <summary>The third encoding channel; only doors have one.</summary>
    public virtual byte State => 0;

    public CellEncoding Encode() => new((byte)Type, (byte)Color, State);

    /// <summary>A copy that shares no mutable state (box contents are copied too).</summary>
    public abstract WorldObject Clone();

    /// <summary>
    /// Minigrid's <c>WorldObj.decode</c>: the object a cell encoding stands for, or null for an empty or
    /// unseen cell. What a box contains is not part of its encoding, so a decoded box is empty.
    /// </summary>
    public static WorldObject? Decode(CellEncoding encoding)
    {
        if (encoding.Color > (byte)ObjectColor.Grey)
            throw new ArgumentException($"Cell encoding {encoding} has colour index {encoding.Color}; Minigrid's colours are 0..5.", nameof(encoding));
        var color = (ObjectColor)encoding.Color;
        return (ObjectType)encoding.Type switch
        {
            ObjectType.Unseen or ObjectType.Empty => null,
            ObjectType.Wall => new Wall(color),
            ObjectType.Floor => new Floor(color),
            ObjectType.Door when encoding.State <= 2 => new Door(color, isOpen: encoding.State == 0, isLocked: encoding.State == 2),
            ObjectType.Key => new Key(color),
            ObjectType.Ball => new Ball(color),
            ObjectType.Box => new Box(color),
            ObjectType.Goal => new Goal(),
            ObjectType.Lava => new Lava(),
            _ => throw new ArgumentException($"Cell encoding {encoding} names no Minigrid object (types 0..9; door states 0..2).", nameof(encoding)),
        };
    }

    public override string ToString() => $"{Color.Name()} {Type.Name()}";

    protected T CopyPositionsTo<T>(T copy) where T : WorldObject
    {
        copy.InitialPosition = InitialPosition;
        copy.CurrentPosition = CurrentPosition;
        return copy;
    }
}

public sealed class Wall(ObjectColor color = ObjectColor.Grey) : WorldObject(ObjectType.Wall, color)
{
    /// <summary>
    /// The grey wall that layouts put in every plain wall cell. Walls have no state, so one shared
    /// instance behaves like Python's many (nothing tracks a wall's position), and resets do not allocate
    /// an object per wall cell.
    /// </summary>
    public static Wall Grey { get; } = new();

    public override bool SeeBehind => false;
    public override WorldObject Clone() => CopyPositionsTo(new Wall(Color));
}

/// <summary>A coloured floor tile the agent can walk over.</summary>
public sealed class Floor(ObjectColor color = ObjectColor.Blue) : WorldObject(ObjectType.Floor, color)
{
    public override bool CanOverlap => true;
    public override WorldObject Clone() => CopyPositionsTo(new Floor(Color));
}

/// <summary>The green goal: stepping onto it ends the episode with the success reward.</summary>
public sealed class Goal() : WorldObject(ObjectType.Goal, ObjectColor.Green)
{
    public override bool CanOverlap => true;
    public override WorldObject Clone() => CopyPositionsTo(new Goal());
}

/// <summary>Lava: stepping onto it ends the episode with reward 0.</summary>
public sealed class Lava() : WorldObject(ObjectType.Lava, ObjectColor.Red)
{
    public override bool CanOverlap => true;
    public override WorldObject Clone() => CopyPositionsTo(new Lava());
}

public sealed class Key(ObjectColor color = ObjectColor.Blue) : WorldObject(ObjectType.Key, color)
{
    public override bool CanPickup => true;
    public override WorldObject Clone() => CopyPositionsTo(new Key(Color));
}

public sealed class Ball(ObjectColor color = ObjectColor.Blue) : WorldObject(ObjectType.Ball, color)
{
    public override bool CanPickup => true;
    public override WorldObject Clone() => CopyPositionsTo(new Ball(Color));
}

/// <summary>A box that can be carried; toggling it replaces it with what it contains (possibly nothing).</summary>
public sealed class Box(ObjectColor color, WorldObject? contains = null) : WorldObject(ObjectType.Box, color)
{
    public WorldObject? Contains { get; set; } = contains;
    public override bool CanPickup => true;

    public override bool Toggle(MiniGridEnv env, int x, int y)
    {
        env.Grid.Set(x, y, Contains);
        return true;
    }

    public override WorldObject Clone() => CopyPositionsTo(new Box(Color, Contains?.Clone()));
}

/// <summary>A door: open (walkable, transparent), closed, or locked (opened only by a key of its colour).</summary>
public sealed class Door(ObjectColor color, bool isOpen = false, bool isLocked = false) : WorldObject(ObjectType.Door, color)
{
    public bool IsOpen { get; set; } = isOpen;
    public bool IsLocked { get; set; } = isLocked;

    public override bool CanOverlap => IsOpen;
    public override bool SeeBehind => IsOpen;

    /// <summary>Minigrid's door states: 0 open, 1 closed, 2 locked (open wins over locked).</summary>
    public override byte State => IsOpen ? (byte)0 : IsLocked ? (byte)2 : (byte)1;

    public override bool Toggle(MiniGridEnv env, int x, int y)
    {
        if (IsLocked)
        {
            if (env.Carrying is Key key && key.Color == Color)
            {
                IsLocked = false;
                IsOpen = true;
                return true;
            }
            return false;
        }
        IsOpen = !IsOpen;
        return true;
    }

    public override WorldObject Clone() => CopyPositionsTo(new Door(Color, IsOpen, IsLocked));
}
