"""The `existing` adapter: any cluster no adapter builds."""
