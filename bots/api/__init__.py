"""The storefront HTTP API (`caeser serve api`): suggestions, search and shopper events for shops."""
