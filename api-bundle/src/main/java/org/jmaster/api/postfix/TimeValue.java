package org.jmaster.api.postfix;

import java.util.OptionalLong;

/**
 * NAME
 *     TimeValue - Postfix's time values (Postfix global/conv_time.c)
 * SYNOPSIS
 *     OptionalLong seconds(text)
 * DESCRIPTION
 *     A time value is a non-negative decimal number with an optional one-letter unit: s
 *     (seconds, the default), m (minutes), h (hours), d (days) or w (weeks). Nothing may follow
 *     the unit. As in Postfix, the number must be below INT_MAX divided by the unit (for
 *     seconds: at most INT_MAX). Surrounding whitespace is ignored, as configuration readers
 *     strip it.
 * DIAGNOSTICS
 *     An empty OptionalLong for anything else: the caller names the parameter in its message.
 */
public final class TimeValue {
    private static final String UNITS = "smhdw";
    private static final long[] SECONDS = {1, 60, 3600, 86_400, 604_800};

    private TimeValue() {
    }

    /** The value in seconds, or empty when the text is not a Postfix time value. */
    public static OptionalLong seconds(String text) {
        String value = text.strip();
        int unit = 0;
        if (!value.isEmpty() && !isDigit(value.charAt(value.length() - 1))) {
            unit = UNITS.indexOf(value.charAt(value.length() - 1));
            if (unit < 0) {
                return OptionalLong.empty();
            }
            value = value.substring(0, value.length() - 1);
        }
        if (value.isEmpty() || value.length() > 10 || !value.chars().allMatch(TimeValue::isDigit)) {
            return OptionalLong.empty();
        }
        long number = Long.parseLong(value);
        long limit = unit == 0 ? Integer.MAX_VALUE : (Integer.MAX_VALUE / SECONDS[unit]) - 1;
        return number > limit ? OptionalLong.empty() : OptionalLong.of(number * SECONDS[unit]);
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }
}
