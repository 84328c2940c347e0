"""Static knowledge of the user's own classes and of the LightningCLI script (placeholder)."""
