package dev.clnn.optim;

import static dev.clnn.optim.LrAssertions.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LrScheduleParserTest {

    private static final String EXPECTED_FORMS =
            "expected constant, step:S,G, multistep:M1;M2;…,G, exp:B, poly:B,A or cosine[:TMAX[,MIN]]";

    private static LrSchedule parse(String spec) {
        return LrScheduleParser.parse(spec, 0.1, 100, 0);
    }

    @Test
    void eachFormParsesToTheFactorySchedule() {
        assertEquals(LrSchedule.constant(0.1), parse("constant"));
        assertEquals(LrSchedule.step(0.1, 30, 0.5), parse("step:30,0.5"));
        assertEquals(LrSchedule.multiStep(0.1, new long[] {2, 5, 40}, 0.1), parse("multistep:2;5;40,0.1"));
        assertEquals(LrSchedule.multiStep(0.1, new long[] {7}, 0.5), parse("multistep:7,0.5"));
        assertEquals(LrSchedule.exponential(0.1, 0.95), parse("exp:0.95"));
        assertEquals(LrSchedule.polynomial(0.1, 0.5, 1), parse("poly:0.5,1"));
        assertEquals(LrSchedule.cosine(0.1, 40, 0), parse("cosine:40"));
        assertEquals(LrSchedule.cosine(0.1, 40, 1e-3), parse("cosine:40,1e-3"));
    }

    @Test
    void surroundingWhitespaceIsIgnored() {
        assertEquals(LrSchedule.exponential(0.1, 0.9), parse("  exp:0.9 "));
    }

    @Test
    void cosineWithoutPeriodAnnealsOverTheStepsAfterWarmup() {
        assertEquals(LrSchedule.cosine(0.1, 100, 0), LrScheduleParser.parse("cosine", 0.1, 100, 0));
        assertEquals(LrSchedule.cosine(0.1, 90, 0).withWarmup(10), LrScheduleParser.parse("cosine", 0.1, 100, 10));
        assertEquals(0.0, LrScheduleParser.parse("cosine", 0.1, 100, 10).lr(100));
    }

    @Test
    void warmupGoesInFrontOfEveryForm() {
        for (String spec : new String[] {"constant", "step:3,0.5", "multistep:2;5,0.1", "exp:0.9", "poly:1,1",
                "cosine", "cosine:10,0.001"}) {
            LrSchedule withoutWarmup = LrScheduleParser.parse(spec, 0.1, 100, 0);
            assertEquals(withoutWarmup.withWarmup(4), LrScheduleParser.parse(spec, 0.1, 104, 4), spec);
        }
    }

    @Test
    void descriptionShowsTheParsedParameters() {
        assertEquals("constant(lr0=0.1)", parse("constant").toString());
        assertEquals("step(lr0=0.1, stepSize=3, gamma=0.5)", parse("step:3,0.5").toString());
        assertEquals("multistep(lr0=0.1, milestones=[2, 5], gamma=0.1)", parse("multistep:2;5,0.1").toString());
        assertEquals("exp(lr0=0.1, beta=0.9)", parse("exp:0.9").toString());
        assertEquals("poly(lr0=0.1, beta=0.5, alpha=2.0)", parse("poly:0.5,2").toString());
        assertEquals("warmup(steps=5) then cosine(lr0=0.1, tMax=95, etaMin=0.0)",
                LrScheduleParser.parse("cosine", 0.1, 100, 5).toString());
    }

    @Test
    void unknownNameListsTheKnownForms() {
        IllegalArgumentException e = assertRejected(() -> parse("cosin"));
        assertEquals("unknown schedule \"cosin\": " + EXPECTED_FORMS, e.getMessage());
        assertRejected(() -> parse("Cosine:10"), "unknown schedule \"Cosine:10\"", EXPECTED_FORMS);
        assertRejected(() -> parse("linear:5"), "unknown schedule \"linear:5\"", EXPECTED_FORMS);
        assertRejected(() -> parse(":0.5"), "unknown schedule \":0.5\"", EXPECTED_FORMS);
    }

    @Test
    void emptyScheduleListsTheKnownForms() {
        assertRejected(() -> parse(""), "empty", EXPECTED_FORMS);
        assertRejected(() -> parse("   "), "empty", EXPECTED_FORMS);
        assertRejected(() -> parse(null), "empty", EXPECTED_FORMS);
    }

    @Test
    void wrongNumberOfArgumentsNamesTheExpectedForm() {
        assertRejected(() -> parse("constant:1"), "\"constant:1\"", "expected constant,", "1 argument");
        assertRejected(() -> parse("step"), "\"step\"", "expected step:S,G", "0 arguments");
        assertRejected(() -> parse("step:3"), "\"step:3\"", "expected step:S,G", "1 argument");
        assertRejected(() -> parse("step:3,0.5,1"), "\"step:3,0.5,1\"", "expected step:S,G", "3 arguments");
        assertRejected(() -> parse("multistep:2;5"), "\"multistep:2;5\"", "expected multistep:M1;M2;…,G");
        assertRejected(() -> parse("exp"), "\"exp\"", "expected exp:B");
        assertRejected(() -> parse("exp:0.9,0.1"), "\"exp:0.9,0.1\"", "expected exp:B");
        assertRejected(() -> parse("poly:0.5"), "\"poly:0.5\"", "expected poly:B,A");
        assertRejected(() -> parse("cosine:10,0,1"), "\"cosine:10,0,1\"", "expected cosine[:TMAX[,MIN]]");
    }

    @Test
    void malformedNumbersAreQuotedWithWhatWasExpected() {
        assertRejected(() -> parse("step:x,0.5"), "\"step:x,0.5\"", "step size S must be an integer", "\"x\"");
        assertRejected(() -> parse("step:1.5,0.5"), "step size S must be an integer", "\"1.5\"");
        assertRejected(() -> parse("step:3,half"), "\"step:3,half\"", "decay G must be a decimal number", "\"half\"");
        assertRejected(() -> parse("step:3,"), "decay G must be a decimal number", "\"\"");
        assertRejected(() -> parse("multistep:,0.1"), "milestone must be an integer", "\"\"");
        assertRejected(() -> parse("multistep:2;;5,0.1"), "milestone must be an integer", "\"\"");
        assertRejected(() -> parse("multistep:2;5;,0.1"), "milestone must be an integer", "\"\"");
        assertRejected(() -> parse("exp:"), "\"exp:\"", "decay B must be a decimal number", "\"\"");
        assertRejected(() -> parse("exp:NaN"), "decay B must be a decimal number", "\"NaN\"");
        assertRejected(() -> parse("exp:0.9d"), "decay B must be a decimal number", "\"0.9d\"");
        assertRejected(() -> parse("exp:0x1p-1"), "decay B must be a decimal number", "\"0x1p-1\"");
        assertRejected(() -> parse("poly:a,1"), "rate B must be a decimal number", "\"a\"");
        assertRejected(() -> parse("poly:1,b"), "power A must be a decimal number", "\"b\"");
        assertRejected(() -> parse("cosine:"), "\"cosine:\"", "period TMAX must be an integer", "\"\"");
        assertRejected(() -> parse("cosine:ten"), "period TMAX must be an integer", "\"ten\"");
        assertRejected(() -> parse("cosine:99999999999999999999"), "period TMAX must be an integer");
        assertRejected(() -> parse("cosine:10,low"), "floor MIN must be a decimal number", "\"low\"");
    }

    @Test
    void outOfRangeValuesQuoteTheScheduleAndNameTheParameter() {
        assertRejected(() -> parse("step:0,0.5"), "schedule \"step:0,0.5\"", "step size S", "0");
        assertRejected(() -> parse("step:3,-0.5"), "schedule \"step:3,-0.5\"", "γ", "-0.5");
        assertRejected(() -> parse("multistep:5;2,0.1"), "\"multistep:5;2,0.1\"", "milestones", "[5, 2]");
        assertRejected(() -> parse("multistep:0;2,0.1"), "\"multistep:0;2,0.1\"", "milestones", "[0, 2]");
        assertRejected(() -> parse("exp:0"), "\"exp:0\"", "β", "0.0");
        assertRejected(() -> parse("poly:-1,1"), "\"poly:-1,1\"", "β", "-1.0");
        assertRejected(() -> parse("cosine:0"), "\"cosine:0\"", "T_max", "0");
        assertRejected(() -> parse("cosine:10,0.5"), "\"cosine:10,0.5\"", "η_min", "0.5");
    }

    @Test
    void cosineWithoutPeriodNeedsStepsLeftAfterWarmup() {
        assertRejected(() -> LrScheduleParser.parse("cosine", 0.1, 10, 10),
                "schedule \"cosine\"", "total steps minus warm-up steps", "0", "cosine:TMAX");
        assertRejected(() -> LrScheduleParser.parse("cosine", 0.1, 0, 0), "total steps minus warm-up steps");
    }

    @Test
    void rejectsBadBaseRateTotalStepsAndWarmup() {
        assertRejected(() -> LrScheduleParser.parse("constant", Double.NaN, 100, 0), "base learning rate", "NaN");
        assertRejected(() -> LrScheduleParser.parse("constant", 0.1, -1, 0), "total steps", "-1");
        assertRejected(() -> LrScheduleParser.parse("constant", 0.1, 100, -2), "warm-up steps", "-2");
    }
}
