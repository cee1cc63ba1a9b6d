package dev.hve.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses durations such as {@code 500ms}, {@code 10s}, {@code 2m} or {@code 1h} into milliseconds; a bare number is seconds. */
final class DurationConverter implements ITypeConverter<Long> {

    @Override
    public Long convert(String value) {
        String text = value.trim().toLowerCase(Locale.ROOT);
        long unit = 1000;
        String number = text;
        if (text.endsWith("ms")) {
            unit = 1;
            number = text.substring(0, text.length() - 2);
        } else if (text.endsWith("s")) {
            number = text.substring(0, text.length() - 1);
        } else if (text.endsWith("m")) {
            unit = 60_000;
            number = text.substring(0, text.length() - 1);
        } else if (text.endsWith("h")) {
            unit = 3_600_000;
            number = text.substring(0, text.length() - 1);
        }
        try {
            long amount = Long.parseLong(number);
            if (amount <= 0) {
                throw new TypeConversionException("duration must be positive: '" + value + "'");
            }
            return amount * unit;
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a duration such as 500ms, 10s or 2m");
        }
    }
}
