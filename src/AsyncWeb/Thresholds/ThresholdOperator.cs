namespace AsyncWeb.Thresholds;

/// <summary>The comparison a threshold's observed value must pass: &lt; &lt;= &gt; &gt;= == !=.</summary>
internal enum ThresholdOperator
{
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Equal,
    NotEqual,
}
