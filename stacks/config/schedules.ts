/**
 * Schedule expressions as AWS reads them. Each check returns the problem and the fix, or undefined.
 *
 * - Image Builder: "EC2 Image Builder uses a cron format that consists of six required fields:
 *   <Minute> <Hour> <Day> <Month> <Day of the week> <Year>"; one of Day and Day of the week must be `?`
 *   (https://docs.aws.amazon.com/imagebuilder/latest/userguide/cron-expressions.html).
 * - State Manager associations (the inventory schedule): the EventBridge-style cron(...) with the same six
 *   fields, or rate(value unit) with a singular unit for 1 and a plural one otherwise; associations take rates of
 *   30 minutes or more and less than 31 days
 *   (https://docs.aws.amazon.com/systems-manager/latest/userguide/reference-cron-and-rate-expressions.html,
 *   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html).
 */

const fieldNames = ["minutes", "hours", "day-of-month", "month", "day-of-week", "year"] as const;
const fieldPatterns: Record<(typeof fieldNames)[number], RegExp> = {
    minutes: /^[\d,\-*/]+$/,
    hours: /^[\d,\-*/]+$/,
    "day-of-month": /^([\d,\-*/LW]+|\?)$/,
    month: /^([\d,\-*/]|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)+$/i,
    "day-of-week": /^([\d,\-*/L#]|sun|mon|tue|wed|thu|fri|sat)+$/i,
    year: /^[\d,\-*/]+$/,
};
const fieldRanges: Record<string, [number, number]> = {
    minutes: [0, 59],
    hours: [0, 23],
    "day-of-month": [1, 31],
    month: [1, 12],
    "day-of-week": [1, 7],
    year: [1970, 2199],
};
const weekdays = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/** A Unix crontab's five fields as the six-field AWS form (AWS counts Sunday as 1, Unix as 0). */
function fromUnixCron(fields: string[]): string {
    const [minutes, hours, dayOfMonth, month, dayOfWeek] = fields;
    const weekday = /^\d$/.test(dayOfWeek) ? (weekdays[Number(dayOfWeek) % 7] ?? dayOfWeek) : dayOfWeek.toUpperCase();
    return dayOfWeek === "*" ? `cron(${minutes} ${hours} ${dayOfMonth} ${month} ? *)` : `cron(${minutes} ${hours} ? ${month} ${weekday} *)`;
}

export function cronProblem(expression: string): string | undefined {
    const match = /^cron\((.*)\)$/.exec(expression);
    if (!match) return "is not a cron(...) expression, e.g. cron(0 3 ? * MON *)";
    const fields = match[1].trim().split(/\s+/);
    if (fields.length !== 6) {
        const fix = fields.length === 5 ? `; a Unix crontab's five fields become ${fromUnixCron(fields)}` : ", e.g. cron(0 3 ? * MON *)";
        return `has ${fields.length} fields; AWS cron takes six (minutes hours day-of-month month day-of-week year)${fix}`;
    }
    for (const [index, value] of fields.entries()) {
        const name = fieldNames[index];
        if (!fieldPatterns[name].test(value)) return `has ${JSON.stringify(value)} as its ${name} field, which AWS cron does not accept`;
        const [low, high] = fieldRanges[name];
        for (const number of value
            .split(/[^\d]+/)
            .filter(Boolean)
            .map(Number)) {
            // After `/` comes an increment, after `#` the week of the month: neither is a field value.
            if (/[/#]/.test(value)) break;
            if (number < low || number > high) return `has ${number} in its ${name} field, outside ${low}-${high}`;
        }
    }
    const [, , dayOfMonth, , dayOfWeek] = fields;
    if ((dayOfMonth === "?") === (dayOfWeek === "?")) {
        return `must have ? in exactly one of day-of-month (${dayOfMonth}) and day-of-week (${dayOfWeek}), e.g. cron(0 3 ? * MON *) or cron(0 3 1 * ? *)`;
    }
    return undefined;
}

const unitMinutes: Record<string, number> = { minute: 1, hour: 60, day: 1440 };

/** A State Manager association's schedule: cron(...) or rate(...) of 30 minutes up to 30 days. */
export function associationScheduleProblem(expression: string): string | undefined {
    if (expression.startsWith("cron(")) return cronProblem(expression);
    const match = /^rate\((\d+) ([a-z]+)\)$/.exec(expression);
    if (!match) return "is not a rate(value unit) or cron(...) expression, e.g. rate(30 minutes)";
    const value = Number(match[1]);
    const unit = match[2];
    const singular = unit.replace(/s$/, "");
    if (!(singular in unitMinutes)) return `has the unit ${JSON.stringify(unit)}; use minutes, hours or days, e.g. rate(30 minutes)`;
    const expected = value === 1 ? singular : `${singular}s`;
    if (unit !== expected) return `must say rate(${value} ${expected}): the unit is singular for 1 and plural otherwise`;
    const minutes = value * unitMinutes[singular];
    if (minutes < 30 || minutes >= 31 * 1440) return "is outside what associations accept: 30 minutes or more, less than 31 days";
    return undefined;
}
