"""Platform-neutral frame: values, events, the Chat port, commands, errors, clock."""
