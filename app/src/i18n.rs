//! The one translation layer: every piece of UI text is a `Msg`. Adding a
//! language means adding a column here and a `Locale` switch; no page holds
//! literal text of its own.

macro_rules! messages {
    ($($key:ident => $zh_cn:literal,)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        pub enum Msg { $($key,)* }

        impl Msg {
            pub const ALL: &'static [Msg] = &[$(Msg::$key,)*];

            fn zh_cn(self) -> &'static str {
                match self { $(Msg::$key => $zh_cn,)* }
            }
        }
    };
}

messages! {
    AppName => "到家",
    AppTagline => "同城家政，一键到家",
    AdminTitle => "到家 · 运营后台",
    WorkerTitle => "到家 · 服务者",

    TabHome => "首页",
    TabMine => "我的",
    TabWorkbench => "工作台",

    Login => "登录",
    Logout => "退出登录",
    Register => "注册",
    RegisterCustomerTitle => "注册到家账号",
    RegisterWorkerTitle => "成为到家服务者",
    RegisterWorkerLead => "提交后平台将在1-3个工作日内审核，审核通过即可接单。",
    LoginTitle => "手机号登录",
    LoginLead => "顾客、服务者和管理员均使用手机号登录",
    PhoneLabel => "手机号",
    PhonePlaceholder => "请输入11位手机号",
    PasswordLabel => "密码",
    PasswordPlaceholder => "请输入密码",
    NewPasswordPlaceholder => "至少8位",
    NicknameLabel => "昵称",
    NicknamePlaceholder => "选填，不填将使用手机尾号",
    RealNameLabel => "真实姓名",
    RealNamePlaceholder => "与身份证一致",
    NoAccountYet => "还没有账号？",
    RegisterNow => "立即注册",
    HaveAccount => "已有账号？",
    LoginNow => "去登录",
    WantToWork => "想成为服务者？",
    ApplyNow => "申请入驻",
    Submitting => "提交中…",
    SubmitApplication => "提交申请",
    Save => "保存",
    Saved => "已保存",
    SessionExpiredNotice => "登录已过期，请重新登录",

    HomeGreeting => "您好，需要什么服务？",
    AllCategories => "全部",
    ServicesHeading => "热门服务",
    NoServicesInCategory => "该分类暂无可预约的服务，看看其他分类吧",
    UnitHour => "小时",
    UnitVisit => "次",
    UnitAppliance => "台",
    UnitDay => "天",
    UnitMonth26 => "26天",
    PriceFrom => "起",
    ServicesCount => "项服务",

    MineTitle => "我的",
    ProfileHeading => "个人资料",
    MemberSince => "注册时间",
    RoleLabel => "身份",
    RoleCustomer => "顾客",
    RoleWorker => "服务者",
    RoleAdmin => "管理员",
    LoginToSeeMine => "登录后查看个人资料",

    WorkerStatusLabel => "审核状态",
    WorkerApplicant => "待审核",
    WorkerApproved => "已认证",
    WorkerRejected => "未通过",
    WorkerSuspended => "已暂停接单",
    WorkerApplicantHint => "您的入驻申请已提交，平台审核通过后即可开始接单。",
    WorkerApprovedHint => "您已通过平台认证，可以接收派单。",
    WorkerRejectedHint => "很抱歉，您的入驻申请未通过审核。",
    WorkerSuspendedHint => "您的账号已被暂停接单，如有疑问请联系平台客服。",
    ReviewNoteLabel => "审核意见",
    YearsExperience => "从业年限",
    YearsUnit => "年",
    IntroLabel => "个人介绍",
    IntroEmpty => "暂未填写",

    MenuGroupOverview => "概览",
    MenuDashboard => "数据看板",
    MenuGroupUsers => "用户",
    MenuUsers => "用户列表",
    DashboardTitle => "数据看板",
    StatCustomers => "注册顾客",
    StatWorkersPending => "待审核服务者",
    StatWorkersApproved => "已认证服务者",
    StatServicesListed => "上架服务",
    StatUsersNewToday => "今日新增用户",
    UsersTitle => "用户列表",
    SearchPlaceholder => "手机号或昵称",
    Search => "搜索",
    FilterAllRoles => "全部身份",
    ColumnId => "ID",
    ColumnPhone => "手机号",
    ColumnName => "昵称/姓名",
    ColumnRole => "身份",
    ColumnWorkerStatus => "服务者状态",
    ColumnCreatedAt => "注册时间",
    ColumnAccount => "账号",
    AccountActive => "正常",
    AccountDisabled => "已停用",
    NoUsersFound => "没有符合条件的用户",
    PrevPage => "上一页",
    NextPage => "下一页",
    PageOf => "页，共",
    TotalUsersSuffix => "人",

    Loading => "加载中…",
    Retry => "重试",
    NotFoundTitle => "页面不存在",
    BackHome => "返回首页",

    ErrPhoneEmpty => "请输入手机号",
    ErrPhoneMalformed => "请输入正确的11位手机号",
    ErrPasswordEmpty => "请输入密码",
    ErrPasswordTooShort => "密码至少需要8位",
    ErrPasswordTooLong => "密码不能超过128位",
    ErrNameEmpty => "请填写姓名",
    ErrNameTooLong => "不能超过20个字",
    ErrAmount => "请输入正确的金额",
    ErrPhoneTaken => "该手机号已注册，请直接登录",
    ErrBadCredentials => "手机号或密码错误",
    ErrAccountDisabled => "该账号已停用，请联系客服",
    ErrTooManyAttempts => "登录尝试过于频繁，请3分钟后再试",
    ErrUnauthenticated => "请先登录",
    ErrSessionExpired => "登录已过期，请重新登录",
    ErrForbidden => "您没有权限执行此操作",
    ErrNotFound => "内容不存在或已删除",
    ErrCrossOrigin => "请求来源不受信任，已拒绝",
    ErrBodyTooLarge => "提交的内容过大",
    ErrInternal => "服务器开小差了，请稍后再试",
    ErrStaleOrder => "订单状态已变化，请刷新后重试",
    ErrWorkerBusy => "该服务者在此时段已有安排",
    ErrIllegalStep => "当前订单状态不允许此操作",
    ErrNotAssignedWorker => "该订单不是分配给您的",
    ErrWorkerRequired => "请选择服务者",
    ErrTooLateToCancel => "服务人员已到达，订单无法取消",
    ErrSlotFull => "该时段已约满，请选择其他时间",
    ErrSlotPast => "该时间已过，请选择其他时间",
    ErrSlotTooFar => "只能预约14天内的服务",
    ErrSlotUnavailable => "该时段暂无可服务人员，请选择其他时间",
    ErrUnitsRange => "服务数量超出可选范围",
    ErrAddressEmpty => "请填写详细地址",
    ErrAddressTooLong => "地址不能超过100个字",
    ErrLocationMissing => "请点击“定位”获取位置，或填写经纬度",
    ErrOutsideServiceArea => "该地址不在服务范围内，暂时无法上门",
    ErrContactNameEmpty => "请填写联系人",
    ErrNotesTooLong => "备注不能超过200个字",
    ErrRatingRange => "请为每一项打1-5星",
    ErrReviewTooLong => "评价不能超过500个字",
    ErrAlreadyReviewed => "该订单已评价",
    ErrServiceUnavailable => "该服务已下架",
    ErrOfferGone => "该派单已失效（已超时或已被处理）",
    ErrNotPayable => "订单已不是待支付状态",
    ErrAssignNeedsOverride => "该服务者不满足派单硬性条件，请勾选“强制指派”后再确认",
    ErrNetwork => "网络异常，请检查网络后重试",
}

/// The text of `msg` in the active language (zh-CN, the only one so far).
pub fn t(msg: Msg) -> &'static str {
    msg.zh_cn()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_has_non_empty_chinese_text() {
        for msg in Msg::ALL {
            assert!(!t(*msg).trim().is_empty(), "{msg:?}");
        }
    }
}
