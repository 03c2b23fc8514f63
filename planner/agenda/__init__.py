"""The agenda feature: the leader's agenda events and who covers each of them."""
