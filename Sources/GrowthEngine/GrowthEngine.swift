/// The engine: consume -> decode -> update state -> produce (see docs/architecture.md).
public enum GrowthEngineModule {}
