"""The web chat page: a custom Rasa input channel (``bot.channels.webchat``)
and its static page; ``bot.channels.page`` holds the Rasa-free parts."""
