"""WireTuner GL: an event-sourced vector editor."""

__version__ = "0.1.0"
GENERATOR = f"WireTuner GL {__version__}"
