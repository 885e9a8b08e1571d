"""Display widgets of the calendar: attributes down, messages up."""
