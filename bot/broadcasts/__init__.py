"""What the bot says unprompted: meetup and relay notices, announcements, their delivery."""
