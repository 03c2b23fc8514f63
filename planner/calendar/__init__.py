"""The calendar feature: month, week and list views of posts, empty upload slots and the leader's agenda; upload slots per channel; schedule adherence."""
